import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { RenderHeartbeat, RenderVideoInput, ResolvedRender, SceneAudio } from '@vidflow/contracts';
import { buildStyledCaptions, FfmpegRunner, type ProbeResult, resolveCaptionStyle, SCENE_PAUSE_SECONDS } from '@vidflow/media';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactStore } from '../adapters/artifact-store/artifact-store';
import { EspeakSpeechProvider } from '../adapters/speech/espeak-speech.provider';
import { checkOutput, makeRenderVideo } from './render-video.activity';
import { makeSynthesizeScene } from './synthesize-scene.activity';

// Real ffmpeg renders and frame extraction: seconds each, more on a loaded 2-core machine.
jest.setTimeout(60_000);

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

/** The frame a constant-rate player shows at `seconds` (decoded to `fps`), as grey bytes at a tenth of the size. */
function frameAt(file: string, seconds: number, fps: number): Buffer {
  const n = Math.round(seconds * fps);
  return execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-vf', `fps=${fps},select=eq(n\\,${n}),scale=32:56`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-']);
}
/** Brightest minus darkest pixel: white caption text on black is > 100, a plain frame about 0. */
const contrast = (frame: Buffer) => Math.max(...frame) - Math.min(...frame);

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
    const media = join(root, 'media');
    mkdirSync(media);
    const make = (args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
    make(['-f', 'lavfi', '-i', 'color=c=0xff8800:s=200x100', '-frames:v', '1', join(media, 'wide.png')]);
    make(['-f', 'lavfi', '-i', 'testsrc2=s=400x300', '-frames:v', '1', join(media, 'pattern.png')]);
    make(['-f', 'lavfi', '-i', 'testsrc=s=160x120:r=25:d=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', join(media, 'clip.mp4')]);
    make(['-f', 'lavfi', '-i', 'sine=f=220:d=1.5', '-c:a', 'aac', join(media, 'music.m4a')]);
    make(['-f', 'lavfi', '-i', 'sine=f=12500:d=1', '-c:a', 'aac', join(media, 'tone-12k.m4a')]);
    writeFileSync(join(media, 'fake.png'), 'not an image');
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
    // A video background draws every frame (a still one would need a handful), so ffmpeg keeps working.
    const input: RenderVideoInput = { videoId: 'vid-cancel', scenes: long, language: 'en', render: { ...render, background: { video: 'clip.mp4' } } };

    await expect(runActivity(env, renderVideo, input)).rejects.toBeInstanceOf(CancelledFailure);

    expect(ffmpegAtCancel.length).toBeGreaterThan(0);
    expect(processesMentioning(root)).toEqual([]);
    expect(filesBelow(join(root, 'tmp'))).toEqual([]);
    expect(existsSync(join(root, 'videos', 'vid-cancel.mp4'))).toBe(false);
  });

  it('shows each caption from its cue time: frames differ between phrases and are plain without captions', async () => {
    const result = await runActivity(new MockActivityEnvironment(), renderVideo, {
      videoId: 'vid-cues',
      scenes: scenes(),
      language: 'en',
      render: { ...render, background: { color: '#000000' } },
    } satisfies RenderVideoInput);
    const file = join(root, result.path);
    // The default style (bold, word mode): one event per spoken word, each a different picture.
    const cues = buildStyledCaptions({
      scenes: scenes().map((s) => ({ text: s.text, durationSeconds: s.durationSeconds, speechSeconds: s.durationSeconds - SCENE_PAUSE_SECONDS })),
      style: resolveCaptionStyle(undefined, { width: 320, height: 568 }),
      width: 320,
      height: 568,
    }).events;
    expect(cues.length).toBeGreaterThanOrEqual(2);
    // Inside each cue the caption is drawn; consecutive phrases differ.
    const frames = cues.map((c) => frameAt(file, (c.start + c.end) / 2, render.fps));
    for (const f of frames) expect(contrast(f)).toBeGreaterThan(100);
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.equals(frames[i - 1]!)).toBe(false);
    // One frame before and after a caption change, the picture is the earlier and the later phrase.
    const change = cues[1]!.start;
    expect(frameAt(file, change - 2 / render.fps, render.fps).equals(frames[0]!)).toBe(true);
    expect(frameAt(file, change + 1 / render.fps, render.fps).equals(frames[1]!)).toBe(true);

    const plain = await runActivity(new MockActivityEnvironment(), renderVideo, {
      videoId: 'vid-plain',
      scenes: scenes(),
      language: 'en',
      render: { ...render, captions: false, background: { color: '#000000' } },
    } satisfies RenderVideoInput);
    expect(contrast(frameAt(join(root, plain.path), cues[0]!.end / 2, render.fps))).toBeLessThan(5);
  });

  it('writes only the frames that change by default, on the fps grid, and every frame with renderCfr', async () => {
    const frameInfo = (file: string) => {
      const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-count_frames', '-show_entries', 'stream=r_frame_rate,nb_read_frames', '-of', 'csv=p=0', file], { encoding: 'utf8' });
      const [rate, frames] = out.trim().split(',');
      return { rate, frames: Number(frames) };
    };
    const input: RenderVideoInput = { videoId: 'vid-vfr', scenes: scenes(), language: 'en', render };
    const expectedFrames = Math.round(scenes().reduce((s, a) => s + a.durationSeconds, 0) * render.fps);

    const vfr = await runActivity(new MockActivityEnvironment(), renderVideo, input);
    const vfrInfo = frameInfo(join(root, vfr.path));
    expect(vfrInfo.rate).toBe('15/1');
    expect(vfrInfo.frames).toBeLessThan(expectedFrames / 3);

    const store = new ArtifactStore(root);
    const cfrRender = makeRenderVideo({ store, ffmpeg, renderPreset: 'ultrafast', renderCfr: true });
    const cfr = await runActivity(new MockActivityEnvironment(), cfrRender, { ...input, videoId: 'vid-cfr' });
    expect(frameInfo(join(root, cfr.path))).toEqual({ rate: '15/1', frames: expectedFrames });
  });

  it('renders an image background from MEDIA_DIR, a per-scene video background and ducked music', async () => {
    const [first, second] = scenes();
    const input: RenderVideoInput = {
      videoId: 'vid-media',
      scenes: [first!, { ...second!, background: { video: 'clip.mp4' } }],
      language: 'en',
      render: { ...render, background: { image: 'wide.png' }, music: { source: 'music.m4a', volume: 0.2, duck: true } },
    };
    const result = await runActivity(new MockActivityEnvironment(), renderVideo, input);
    const file = join(root, result.path);
    const probe = await ffmpeg.probe(file);
    expect(probe.streams).toEqual(
      expect.arrayContaining([
        { type: 'video', codec: 'h264', width: 320, height: 568 },
        { type: 'audio', codec: 'aac' },
      ]),
    );
    // The orange image fills the frame (scaled and cropped, no bars): its top-left corner is orange, not black.
    const corner = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-vf', 'crop=4:4:0:0', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
    expect(corner[0]).toBeGreaterThan(200);
    expect(corner[2]).toBeLessThan(60);
    expect(filesBelow(join(root, 'tmp'))).toEqual([]);
  });

  it('moves a kenburns image frame by frame and cross-fades into the next scene at its start', async () => {
    const [first, second] = scenes();
    const input: RenderVideoInput = {
      videoId: 'vid-motion',
      scenes: [first!, { ...second!, background: { color: '#ff0000' } }],
      language: 'en',
      render: { ...render, captions: false, background: { image: 'pattern.png', motion: 'kenburns' }, transition: { seconds: 0.4 } },
    };
    const result = await runActivity(new MockActivityEnvironment(), renderVideo, input);
    const file = join(root, result.path);
    const cut = first!.durationSeconds;
    expect(Math.abs(result.durationSeconds - (cut + second!.durationSeconds))).toBeLessThan(0.05);
    // Drawn in pieces by several ffmpeg processes and joined: every frame of the grid is there, once.
    const packets = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', file], { encoding: 'utf8' });
    expect(Number(packets.trim())).toBe(Math.round((cut + second!.durationSeconds) * 15));
    const differs = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0) / a.length;
    // Consecutive frames of the moving scene differ (a still image would give identical frames)...
    const early = [0.2, 0.2 + 1 / 15, 0.2 + 2 / 15].map((t) => frameAt(file, t, 15));
    expect(differs(early[0]!, early[1]!)).toBeGreaterThan(0);
    expect(differs(early[1]!, early[2]!)).toBeGreaterThan(0);
    expect(differs(early[0]!, frameAt(file, cut - 0.1, 15))).toBeGreaterThan(2);
    // ...the fade starts at the cut: half way through it the frame is neither the image nor the red that follows.
    const red = frameAt(file, cut + 0.6, 15);
    expect(contrast(red)).toBeLessThan(8);
    const mid = frameAt(file, cut + 0.2, 15);
    expect(differs(mid, red)).toBeGreaterThan(2);
    expect(differs(mid, frameAt(file, cut - 0.1, 15))).toBeGreaterThan(2);
    expect(filesBelow(join(root, 'tmp'))).toEqual([]);
  });

  it('ducks the music under the narration: the music is quieter with duck than without', async () => {
    // A 12.5 kHz tone as music, measured through a narrow band-pass: espeak-ng speaks at 22 kHz, so the voice has no energy there.
    const musicLevel = async (duck: boolean) => {
      const input: RenderVideoInput = {
        videoId: `vid-duck-${duck}`,
        scenes: scenes(),
        language: 'en',
        render: { ...render, captions: false, music: { source: 'tone-12k.m4a', volume: 0.5, duck } },
      };
      const result = await runActivity(new MockActivityEnvironment(), renderVideo, input);
      const stats = spawnSync('ffmpeg', ['-i', join(root, result.path), '-af', 'bandpass=f=12500:width_type=q:w=10,astats=measure_overall=RMS_level:measure_perchannel=0', '-f', 'null', '-'], { encoding: 'utf8' }).stderr;
      return Number(/RMS level dB: (-?[\d.]+)/.exec(stats)![1]);
    };
    const ducked = await musicLevel(true);
    const plain = await musicLevel(false);
    expect(plain - ducked).toBeGreaterThan(4);
  });

  it.each<[string, Partial<ResolvedRender>, RegExp]>([
    ['a missing image', { background: { image: 'missing.png' } }, /^render\.background\.image: file not found: "missing\.png"/],
    ['a ../ escape', { background: { image: '../outside.png' } }, /^render\.background\.image: .*"\.\." is not allowed/],
    ['a text file posing as .png', { background: { image: 'fake.png' } }, /^render\.background\.image: "fake\.png" cannot be decoded as an image/],
    ['music that is no audio', { music: { source: 'wide.png', volume: 0.1, duck: true } }, /^render\.music\.source: "wide\.png" has no audio stream/],
  ])('fails at once on %s: non-retryable BadMedia naming the field, before any render', async (_what, change, message) => {
    const env = new MockActivityEnvironment();
    const progress: number[] = [];
    env.on('heartbeat', (d: RenderHeartbeat) => progress.push(d.progress));
    const input: RenderVideoInput = { videoId: 'vid-bad', scenes: scenes(), language: 'en', render: { ...render, ...change } };
    const err = await runActivity(env, renderVideo, input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'BadMedia', nonRetryable: true });
    expect((err as Error).message).toMatch(message);
    expect(progress).toEqual([0]);
    expect(filesBelow(join(root, 'tmp'))).toEqual([]);
  });

  it('names the scene of a bad per-scene background', async () => {
    const [first, second] = scenes();
    const input: RenderVideoInput = {
      videoId: 'vid-bad-scene',
      scenes: [first!, { ...second!, background: { video: 'music.m4a' } }],
      language: 'en',
      render,
    };
    const err = await runActivity(new MockActivityEnvironment(), renderVideo, input).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'BadMedia', nonRetryable: true });
    expect((err as Error).message).toBe('scenes.1.background.video: "music.m4a" has no video stream; expected a video stream (video)');
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
