import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegRunner } from '../ffmpeg-runner';
import { buildAudioExtractArgs } from './build-audio-extract-args';
import { buildChunkCutArgs } from './build-chunk-cut-args';
import { buildSilenceDetectArgs } from './build-silence-detect-args';
import { readWavEnergyProfile } from './energy-profile';
import { parseSilenceDetect } from './parse-silence-detect';
import { planChunks } from './plan-chunks';

const runner = new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' });

describe('silence cutting on built audio (real ffmpeg)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vidflow-chunks-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('cuts in the gap between tones, and a gapless stretch at its quietest point', async () => {
    // 55 s of a 440 Hz tone at 48 kHz stereo: silent from 8 to 9 s, and from 20 s on without any silence but
    // with a soft dip (-34 dB below the tone) from 33.0 to 33.2 s.
    const source = join(dir, 'tones.wav');
    const level = "if(between(t,8,9),0,if(between(t,33,33.2),0.01,0.5))";
    await runner.run({
      inputs: [{ source: `aevalsrc='${level}*sin(2*PI*440*t)|${level}*sin(2*PI*440*t)':s=48000:d=55`, options: ['-f', 'lavfi'] }],
      outputOptions: ['-c:a', 'pcm_s16le'],
      output: source,
    });
    const audio = join(dir, 'audio.wav');
    await runner.run(buildAudioExtractArgs({ input: source, output: audio }));
    const probe = await runner.probe(audio);
    expect(probe.durationSeconds).toBeCloseTo(55, 1);

    const stderr: string[] = [];
    await runner.run(buildSilenceDetectArgs({ input: audio }), { onStderr: (line) => stderr.push(line) });
    const silences = parseSilenceDetect(stderr, probe.durationSeconds);
    expect(silences).toHaveLength(1);
    expect(silences[0]!.start).toBeCloseTo(8, 1);
    expect(silences[0]!.end).toBeCloseTo(9, 1);

    const energy = await readWavEnergyProfile(audio, 0.05);
    expect(energy.levels.length).toBe(Math.ceil(probe.durationSeconds / 0.05));
    const chunks = planChunks({ durationSeconds: probe.durationSeconds, silences, maxChunkSeconds: 30, energy });
    expect(chunks.map((c) => c.cut)).toEqual(['silence', 'quietest', 'end']);
    expect(chunks[0]!.end).toBeGreaterThan(8);
    expect(chunks[0]!.end).toBeLessThan(9);
    expect(chunks[1]!.end).toBeGreaterThanOrEqual(33);
    expect(chunks[1]!.end).toBeLessThanOrEqual(33.2);

    // Cutting is sample-exact and deterministic: the same chunk twice is the same bytes, of the planned length.
    const c = chunks[1]!;
    const a = join(dir, 'chunk-a.wav');
    const b = join(dir, 'chunk-b.wav');
    await runner.run(buildChunkCutArgs({ input: audio, start: c.start, end: c.end, output: a }));
    await runner.run(buildChunkCutArgs({ input: audio, start: c.start, end: c.end, output: b }));
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect((await runner.probe(a)).durationSeconds).toBeCloseTo(c.end - c.start, 2);
  });
});
