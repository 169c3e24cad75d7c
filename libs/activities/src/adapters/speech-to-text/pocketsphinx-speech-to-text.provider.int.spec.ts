import { FfmpegRunner } from '@vidflow/media';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PocketsphinxSpeechToTextProvider, POCKETSPHINX_ENGINE } from './pocketsphinx-speech-to-text.provider';
import { SpeechToTextError } from './speech-to-text-provider';
import { wordErrorRate } from './word-error-rate';

/** Debian's pocketsphinx-testdata: LibriVox recordings (Sense and Sensibility, read by a person) with their transcripts. */
const LIBRIVOX = '/usr/share/pocketsphinx/test/data/librivox';

function references(): Array<{ file: string; text: string }> {
  return readFileSync(join(LIBRIVOX, 'transcription'), 'utf8')
    .split('\n')
    .map((line) => /^<s> (.*) <\/s> \((\S+)\)$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: join(LIBRIVOX, `${m[2]}.wav`), text: m[1]! }));
}

describe('PocketsphinxSpeechToTextProvider (real pocketsphinx_continuous)', () => {
  const provider = new PocketsphinxSpeechToTextProvider();
  const runner = new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' });

  it('transcribes real read English with per-word times, within a loose word error rate', async () => {
    const refs = references();
    expect(refs).toHaveLength(5);
    const hypotheses: string[] = [];
    let audioSeconds = 0;
    const started = process.hrtime.bigint();
    for (const ref of refs) {
      const { segments } = await provider.transcribe({ audioPath: ref.file, language: 'en' });
      const duration = (await runner.probe(ref.file)).durationSeconds;
      audioSeconds += duration;
      for (const s of segments) {
        expect(s.words!.length).toBeGreaterThan(0);
        for (const w of s.words!) {
          expect(w.start).toBeGreaterThanOrEqual(0);
          expect(w.end).toBeGreaterThanOrEqual(w.start);
          expect(w.end).toBeLessThanOrEqual(duration + 0.05);
          expect(w.confidence).toBeGreaterThanOrEqual(0);
          expect(w.confidence).toBeLessThanOrEqual(1);
        }
      }
      hypotheses.push(segments.map((s) => s.text).join(' '));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const wer = wordErrorRate(refs.map((r) => r.text).join(' '), hypotheses.join(' '));
    const perFile = refs.map((r, i) => `  ${wordErrorRate(r.text, hypotheses[i]!).toFixed(2)}  ref: ${r.text}\n        hyp: ${hypotheses[i]}`);
    console.log(
      `${POCKETSPHINX_ENGINE} on ${refs.length} LibriVox recordings (${audioSeconds.toFixed(1)} s of audio): ` +
        `WER ${wer.toFixed(3)}, real-time factor ${(seconds / audioSeconds).toFixed(2)} (one process at a time)\n${perFile.join('\n')}`,
    );
    // PocketSphinx gets about a third of read English wrong; a broken recogniser (no words, wrong model, garbage)
    // is at 1 or above.
    expect(wer).toBeLessThan(0.6);
  }, 120_000);

  it('refuses other languages, naming the language field, without starting the recogniser', async () => {
    const err = await provider.transcribe({ audioPath: '/nonexistent.wav', language: 'de' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpeechToTextError);
    expect(err).toMatchObject({ retryable: false, field: 'language' });
  });

  it('is killed when its signal aborts', async () => {
    const controller = new AbortController();
    const run = provider.transcribe({ audioPath: references()[0]!.file, language: 'en', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled by test')), 100);
    await expect(run).rejects.toThrow('cancelled by test');
  });

  it('says which binary is missing', async () => {
    const missing = new PocketsphinxSpeechToTextProvider('/nonexistent/pocketsphinx_continuous');
    await expect(missing.transcribe({ audioPath: references()[0]!.file, language: 'en' })).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('/nonexistent/pocketsphinx_continuous not found'),
    });
  });
});
