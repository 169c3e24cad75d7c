/**
 * Speech engine benchmark: the same ~60 s English narration (the offline writer's script about a topic, scene by
 * scene, as the tts stage sends it) spoken by each offline engine and voice, one scene at a time and with every scene
 * at once (the tts stage runs up to TTS_PARALLELISM scenes in parallel). Prints the real-time factor (synthesis
 * seconds per second of audio, lower is faster) and the wall time of the whole narration; espeak-ng is the baseline
 * of the same run.
 *
 *   npm run bench:voices
 */
import { EspeakSpeechProvider, FestivalSpeechProvider, FliteSpeechProvider, OfflineScriptWriter, type SpeechProvider } from '@vidflow/activities';
import type { VoiceOptions } from '@vidflow/contracts';
import { FfmpegRunner } from '@vidflow/media';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineLine, writeSection } from './bench-report';

interface Engine {
  label: string;
  provider: SpeechProvider;
  voice: VoiceOptions;
}

const engines: Engine[] = [
  { label: 'espeak-ng en (baseline)', provider: new EspeakSpeechProvider(), voice: { provider: 'espeak', speed: 1 } },
  ...['slt', 'rms', 'awb', 'kal'].map((name) => ({ label: `flite ${name}`, provider: new FliteSpeechProvider(), voice: { provider: 'flite' as const, name, speed: 1 } })),
  { label: 'festival cmu_us_slt_arctic_hts', provider: new FestivalSpeechProvider(), voice: { provider: 'festival', speed: 1 } },
];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vidflow-bench-voices-'));
  const ffmpeg = new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' });
  const scenes = await new OfflineScriptWriter().write({ topic: 'the deep sea', language: 'en', targetSeconds: 60 });
  const rows: string[] = [];
  let baseline = 0;
  try {
    for (const engine of engines) {
      const outputs = scenes.map((_, i) => join(dir, `${engine.label.replace(/\W+/g, '_')}-${i}.wav`));
      const speak = (i: number) => engine.provider.synthesize({ text: scenes[i]!.text, language: 'en', voice: engine.voice, output: outputs[i]! });
      let started = performance.now();
      for (let i = 0; i < scenes.length; i++) await speak(i);
      const sequential = (performance.now() - started) / 1000;
      started = performance.now();
      await Promise.all(scenes.map((_, i) => speak(i)));
      const parallel = (performance.now() - started) / 1000;
      let audio = 0;
      for (const output of outputs) audio += (await ffmpeg.probe(output)).durationSeconds;
      if (!baseline) baseline = sequential;
      const rtf = sequential / audio;
      rows.push(`| ${engine.label} | ${audio.toFixed(1)} | ${sequential.toFixed(2)} | ${rtf.toFixed(3)} | ${parallel.toFixed(2)} | ${(sequential / baseline).toFixed(2)}x |`);
      console.log(rows.at(-1));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  writeSection(
    'voices',
    [
      '## Offline voices (`npm run bench:voices`)',
      '',
      `${scenes.length} scenes of the offline script about "the deep sea" (targetSeconds 60), each engine in turn. ${machineLine()}`,
      '',
      '| engine / voice | audio s | one scene at a time, s | real-time factor | all scenes at once, s | time vs espeak-ng |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
