import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createCache, type ArtifactCache } from '@vidflow/cache';
import type { SynthesizeSceneInput, VoiceOptions } from '@vidflow/contracts';
import { FfmpegRunner } from '@vidflow/media';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { AlignmentError, type ForcedAligner } from '../adapters/alignment/forced-aligner';
import { PocketsphinxAligner } from '../adapters/alignment/pocketsphinx-aligner';
import { ArtifactStore } from '../adapters/artifact-store/artifact-store';
import { EspeakSpeechProvider } from '../adapters/speech/espeak-speech.provider';
import { makeSynthesizeScene } from './synthesize-scene.activity';

/** `env.run` with the activity's argument and result types kept (its own signature infers `unknown`). */
function runActivity<A, R>(env: MockActivityEnvironment, activity: (input: A) => Promise<R>, input: A): Promise<R> {
  return env.run(activity, input) as Promise<R>;
}

/** sample_rate, channels and codec of the first audio stream, straight from ffprobe. */
function audioStream(file: string): { sample_rate: string; channels: number; codec_name: string } {
  const out = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=sample_rate,channels,codec_name', '-of', 'json', file], {
    encoding: 'utf8',
  });
  return JSON.parse(out.stdout).streams[0];
}

describe('synthesizeScene (real espeak-ng and ffmpeg)', () => {
  let root: string;
  let synthesizeScene: ReturnType<typeof makeSynthesizeScene>;
  const espeak: VoiceOptions = { provider: 'espeak', speed: 1.3 };
  const input = (o: Partial<SynthesizeSceneInput> = {}): SynthesizeSceneInput => ({
    videoId: 'vid-tts',
    index: 0,
    text: 'Hello from the unit tests.',
    language: 'en',
    voice: espeak,
    ...o,
  });

  beforeAll(() => {
    // A DATA_DIR with characters that need quoting in ffmpeg arguments, lists and filters.
    root = mkdtempSync(join(tmpdir(), "vidflow tts:'s,[1] "));
    synthesizeScene = makeSynthesizeScene({
      store: new ArtifactStore(root),
      ffmpeg: new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' }),
      speech: { espeak: new EspeakSpeechProvider() },
    });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes 48 kHz mono speech into the store and returns its relative path and duration', async () => {
    const result = await runActivity(new MockActivityEnvironment(), synthesizeScene, input({ index: 3 }));

    expect(result).toEqual({ index: 3, audioPath: 'work/vid-tts/scene-003.wav', durationSeconds: expect.any(Number), cacheHit: false });
    expect(isAbsolute(result.audioPath)).toBe(false);
    const file = join(root, result.audioPath);
    expect(existsSync(file)).toBe(true);
    expect(audioStream(file)).toEqual({ codec_name: 'pcm_s16le', sample_rate: '48000', channels: 1 });
    // espeak speaks for well over half a second, and 0.3 s of pause is appended.
    expect(result.durationSeconds).toBeGreaterThan(0.8);
    expect(readdirSync(join(root, 'tmp', 'vid-tts'))).toEqual([]);
  });

  it('fails with a non-retryable BadInput for a voice espeak-ng does not have, and cleans up', async () => {
    const bad = input({ videoId: 'vid-bad-voice', voice: { ...espeak, name: 'nosuchvoice' } });
    const err = await runActivity(new MockActivityEnvironment(), synthesizeScene, bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'BadInput', nonRetryable: true, details: [{ field: 'voice.name' }] });
    expect((err as Error).message).toContain('nosuchvoice');
    expect(readdirSync(join(root, 'tmp', 'vid-bad-voice'))).toEqual([]);
    expect(existsSync(join(root, 'work', 'vid-bad-voice'))).toBe(false);
  });

  it('fails with a non-retryable BadInput for a provider this worker does not have', async () => {
    const bad = input({ videoId: 'vid-openai', voice: { provider: 'openai', speed: 1 } });
    const err = await runActivity(new MockActivityEnvironment(), synthesizeScene, bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'BadInput', nonRetryable: true });
    expect((err as Error).message).toContain('voice.provider "openai"');
    expect(existsSync(join(root, 'tmp', 'vid-openai'))).toBe(false);
  });
});

describe('synthesizeScene word times by alignment (real espeak-ng, ffmpeg and pocketsphinx)', () => {
  let root: string;
  let cache: ArtifactCache;
  const text = 'Durable workflows keep 42 long jobs alive. Each step retries on its own.';
  const input = (o: Partial<SynthesizeSceneInput> = {}): SynthesizeSceneInput => ({
    videoId: 'vid-align',
    index: 0,
    text,
    language: 'en',
    voice: { provider: 'espeak', speed: 1 },
    ...o,
  });
  const make = (aligner: ForcedAligner) =>
    makeSynthesizeScene({
      store: new ArtifactStore(root),
      ffmpeg: new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' }),
      speech: { espeak: new EspeakSpeechProvider() },
      cache,
      aligner,
    });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'vidflow-tts-align-'));
    cache = await createCache({ dir: join(root, 'cache') });
  });
  afterAll(async () => {
    await cache.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('aligns only when word times are asked for, caches the aligned words apart, and serves them marked as aligned', async () => {
    const synthesize = make(new PocketsphinxAligner());

    const plain = await runActivity(new MockActivityEnvironment(), synthesize, input());
    expect(plain).toEqual({ index: 0, audioPath: 'work/vid-align/scene-000.wav', durationSeconds: expect.any(Number), cacheHit: false });

    // The entry cached without words is not served when words are wanted.
    const aligned = await runActivity(new MockActivityEnvironment(), synthesize, input({ wordTimes: true }));
    expect(aligned).toMatchObject({ cacheHit: false, wordSource: 'alignment' });
    expect(aligned.words!.map((w) => w.text)).toEqual(['Durable', 'workflows', 'keep', '42', 'long', 'jobs', 'alive.', 'Each', 'step', 'retries', 'on', 'its', 'own.']);
    aligned.words!.forEach((w, i) => {
      expect(w.start).toBeGreaterThanOrEqual(i ? aligned.words![i - 1]!.end : 0);
      expect(w.end).toBeGreaterThan(w.start);
      expect(w.end).toBeLessThanOrEqual(aligned.durationSeconds);
    });

    const again = await runActivity(new MockActivityEnvironment(), synthesize, input({ wordTimes: true }));
    expect(again).toEqual({ ...aligned, cacheHit: true });
    expect(await runActivity(new MockActivityEnvironment(), synthesize, input())).toEqual({ ...plain, cacheHit: true });
  });

  it('does not align a language the aligner does not speak', async () => {
    const align = jest.fn();
    const synthesize = make({ identity: 'fake', languageProblem: () => 'English only', align });
    const result = await runActivity(new MockActivityEnvironment(), synthesize, input({ videoId: 'vid-de', text: 'Guten Morgen.', language: 'de', wordTimes: true }));
    expect(result.words).toBeUndefined();
    expect(align).not.toHaveBeenCalled();
  });

  it('makes the video without word times when alignment fails: a warning, no failure', async () => {
    const failing: ForcedAligner = { identity: 'failing', languageProblem: () => undefined, align: () => Promise.reject(new AlignmentError('no path through the grammar')) };
    const warnings: Array<{ message: string; meta?: Record<string, unknown> }> = [];
    const logger = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, error: () => undefined,
      warn: (message: string, meta?: Record<string, unknown>) => void warnings.push({ message, meta }) };
    const result = await runActivity(new MockActivityEnvironment({}, { logger }), make(failing), input({ videoId: 'vid-fail', wordTimes: true }));
    expect(result).toEqual({ index: 0, audioPath: 'work/vid-fail/scene-000.wav', durationSeconds: expect.any(Number), cacheHit: false });
    expect(warnings).toEqual([
      { message: 'word alignment failed; the captions estimate the word times', meta: expect.objectContaining({ videoId: 'vid-fail', scene: 0, error: 'no path through the grammar' }) },
    ]);
    expect(existsSync(join(root, result.audioPath))).toBe(true);
  });
});
