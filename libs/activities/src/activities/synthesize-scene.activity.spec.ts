import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { SynthesizeSceneInput, VoiceOptions } from '@vidflow/contracts';
import { FfmpegRunner } from '@vidflow/media';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
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
