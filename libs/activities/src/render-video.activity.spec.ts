import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { RenderHeartbeat, RenderVideoInput, ResolvedRender, SceneAudio } from '@vidflow/contracts';
import { FfmpegRunner, type ProbeResult } from '@vidflow/media';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactStore } from './artifact-store';
import { EspeakSpeechProvider } from './providers/espeak-speech.provider';
import { checkOutput, makeRenderVideo } from './render-video.activity';
import { makeSynthesizeScene } from './synthesize-scene.activity';

/** `env.run` with the activity's argument and result types kept (its own signature infers `unknown`). */
function runActivity<A, R>(env: MockActivityEnvironment, activity: (input: A) => Promise<R>, input: A): Promise<R> {
  return env.run(activity, input) as Promise<R>;
}

/** Every file (not directory) below `dir`, or [] when it does not exist. */
function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => !statSync(join(dir, p)).isDirectory());
}

/** Live processes whose command line mentions `token`. */
function processesMentioning(token: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((pid) => {
      try {
        const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        return state !== 'Z' && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(token);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const render: ResolvedRender = { width: 320, height: 568, fps: 15, captions: true, background: { color: '#0b1d3a' } };

describe('renderVideo (real ffmpeg)', () => {
  let root: string;
  let ffmpeg: FfmpegRunner;
  let renderVideo: ReturnType<typeof makeRenderVideo>;
  const texts = ['The moon is bright tonight.', 'It has phases, and a far side.'];
  let audio: SceneAudio[];
  const scenes = () => audio.map((a, i) => ({ text: texts[i]!, audioPath: a.audioPath, durationSeconds: a.durationSeconds }));

  beforeAll(async () => {
    // A DATA_DIR whose name needs quoting in the concat list and escaping in the subtitles filter.
    root = mkdtempSync(join(tmpdir(), "vidflow render:'s,[1] "));
    const store = new ArtifactStore(root);
    ffmpeg = new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' });
    renderVideo = makeRenderVideo({ store, ffmpeg, renderPreset: 'ultrafast' });
    const synthesize = makeSynthesizeScene({ store, ffmpeg, speech: { espeak: new EspeakSpeechProvider() } });
    audio = [];
    for (const [index, text] of texts.entries()) {
      audio.push(
        await runActivity(new MockActivityEnvironment(), synthesize, {
          videoId: 'vid-r',
          index,
          text,
          language: 'en',
          voice: { provider: 'espeak', speed: 1.5 },
        }),
      );
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('renders H.264/AAC at the requested size, as long as the narration, with heartbeats in 0..1', async () => {
    const env = new MockActivityEnvironment();
    const heartbeats: RenderHeartbeat[] = [];
    env.on('heartbeat', (d: RenderHeartbeat) => heartbeats.push(d));
    const input: RenderVideoInput = { videoId: 'vid-r', scenes: scenes(), language: 'en', render };

    const result = await runActivity(env, renderVideo, input);

    const expectedSeconds = audio[0]!.durationSeconds + audio[1]!.durationSeconds;
    expect(result).toMatchObject({ path: 'videos/vid-r.mp4', width: 320, height: 568, cacheHit: false, attempt: 1 });
    const file = join(root, result.path);
    expect(statSync(file).size).toBe(result.bytes);

    const probe = await ffmpeg.probe(file);
    expect(probe.streams).toEqual(
      expect.arrayContaining([
        { type: 'video', codec: 'h264', width: 320, height: 568 },
        { type: 'audio', codec: 'aac' },
      ]),
    );
    expect(Math.abs(probe.durationSeconds - expectedSeconds) / expectedSeconds).toBeLessThanOrEqual(0.02);
    expect(Math.abs(result.durationSeconds - expectedSeconds) / expectedSeconds).toBeLessThanOrEqual(0.02);

    expect(heartbeats.length).toBeGreaterThanOrEqual(2);
    for (const h of heartbeats) {
      expect(h.progress).toBeGreaterThanOrEqual(0);
      expect(h.progress).toBeLessThanOrEqual(1);
    }
    expect(heartbeats[0]!.progress).toBe(0);
    expect(heartbeats.at(-1)!.progress).toBe(1);
    expect(filesBelow(join(root, 'tmp'))).toEqual([]);
  });

  it('renders without captions too', async () => {
    const input: RenderVideoInput = { videoId: 'vid-nocap', scenes: scenes(), language: 'en', render: { ...render, captions: false } };
    const result = await runActivity(new MockActivityEnvironment(), renderVideo, input);
    expect(existsSync(join(root, result.path))).toBe(true);
    expect(filesBelow(join(root, 'tmp'))).toEqual([]);
  });

  it('stops ffmpeg and rejects with CancelledFailure when cancelled mid-render, leaving nothing behind', async () => {
    const env = new MockActivityEnvironment();
    let ffmpegAtCancel: number[] = [];
    env.on('heartbeat', (d: RenderHeartbeat) => {
      // A progress above 0 comes from ffmpeg's own progress lines: it is running now.
      if (d.progress > 0 && d.progress < 1 && ffmpegAtCancel.length === 0) {
        ffmpegAtCancel = processesMentioning(root);
        env.cancel();
      }
    });
    // Claimed durations far beyond the audio keep ffmpeg encoding video long enough to be cancelled.
    const long = scenes().map((s) => ({ ...s, durationSeconds: 300 }));
    const input: RenderVideoInput = { videoId: 'vid-cancel', scenes: long, language: 'en', render };

    await expect(runActivity(env, renderVideo, input)).rejects.toBeInstanceOf(CancelledFailure);

    expect(ffmpegAtCancel.length).toBeGreaterThan(0);
    expect(processesMentioning(root)).toEqual([]);
    expect(filesBelow(join(root, 'tmp'))).toEqual([]);
    expect(existsSync(join(root, 'videos', 'vid-cancel.mp4'))).toBe(false);
  });

  it('rejects a non-colour background as non-retryable BadInput and cleans up', async () => {
    const input: RenderVideoInput = {
      videoId: 'vid-img',
      scenes: scenes(),
      language: 'en',
      render: { ...render, background: { image: 'bg.png' } },
    };
    const err = await runActivity(new MockActivityEnvironment(), renderVideo, input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'BadInput', nonRetryable: true });
    expect(filesBelow(join(root, 'tmp'))).toEqual([]);
  });

  it('turns a missing scene file into a retryable RenderFailed', async () => {
    const input: RenderVideoInput = {
      videoId: 'vid-missing',
      scenes: [{ text: 'Gone.', audioPath: 'work/vid-missing/scene-000.wav', durationSeconds: 1 }],
      language: 'en',
      render,
    };
    const err = await runActivity(new MockActivityEnvironment(), renderVideo, input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'RenderFailed', nonRetryable: false });
    expect((err as Error).message).toContain('scene-000.wav');
    expect(filesBelow(join(root, 'tmp'))).toEqual([]);
  });
});

describe('checkOutput', () => {
  const good: ProbeResult = {
    durationSeconds: 10,
    bytes: 1000,
    format: 'mov,mp4,m4a,3gp,3g2,mj2',
    streams: [
      { type: 'video', codec: 'h264', width: 320, height: 568 },
      { type: 'audio', codec: 'aac' },
    ],
  };
  const expected = { width: 320, height: 568, durationSeconds: 10 };
  const failure = (probe: ProbeResult): ApplicationFailure => {
    try {
      checkOutput(probe, expected);
    } catch (err) {
      if (err instanceof ApplicationFailure) return err;
      throw err;
    }
    throw new Error('expected checkOutput to reject the file');
  };

  it('accepts the file that was asked for, within 2% of the duration', () => {
    expect(() => checkOutput(good, expected)).not.toThrow();
    expect(() => checkOutput({ ...good, durationSeconds: 10.19 }, expected)).not.toThrow();
    expect(() => checkOutput({ ...good, durationSeconds: 9.81 }, expected)).not.toThrow();
  });

  it('names every problem in one non-retryable RenderFailed', () => {
    const err = failure({
      ...good,
      durationSeconds: 7.5,
      streams: [
        { type: 'video', codec: 'hevc', width: 640, height: 360 },
        { type: 'audio', codec: 'mp3' },
      ],
    });
    expect(err).toMatchObject({ type: 'RenderFailed', nonRetryable: true });
    expect(err.message).toContain('video codec hevc, expected h264');
    expect(err.message).toContain('frame 640x360, expected 320x568');
    expect(err.message).toContain('audio codec mp3, expected aac');
    expect(err.message).toContain('duration 7.50s, expected 10.00s');
  });

  it.each<[string, Partial<ProbeResult>, string]>([
    ['too long', { durationSeconds: 10.3 }, 'duration 10.30s, expected 10.00s'],
    ['wrong size', { streams: [{ type: 'video', codec: 'h264', width: 568, height: 320 }, good.streams[1]!] }, 'frame 568x320, expected 320x568'],
    ['no audio', { streams: [good.streams[0]!] }, 'audio codec missing, expected aac'],
    ['no video', { streams: [good.streams[1]!] }, 'video codec missing, expected h264'],
  ])('rejects a file that is %s', (_what, change, problem) => {
    const err = failure({ ...good, ...change });
    expect(err.message).toBe(`rendered file failed its check: ${problem}`);
  });
});
