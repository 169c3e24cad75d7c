import type { VideoStatusView } from '@vidflow/contracts';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ffprobe } from './support/ffprobe';
import { startTestStack, type TestStack, waitForVideo } from './support/test-stack';

/**
 * The render stage end to end: aspect ratios, image and video backgrounds from MEDIA_DIR, music with
 * ducking, non-Latin captions, and bad media failing at once (non-retryable, in the render stage,
 * with a message naming the field). Media is generated with ffmpeg into the stack's MEDIA_DIR.
 */
describe('render end to end', () => {
  let stack: TestStack;
  let media: string;
  const make = (args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);

  beforeAll(async () => {
    stack = await startTestStack();
    media = stack.config.mediaDir;
    mkdirSync(join(media, 'bg'), { recursive: true });
    make(['-f', 'lavfi', '-i', 'color=c=0xff8800:s=400x300', '-frames:v', '1', join(media, 'bg', 'orange.png')]);
    // A red frame whose hue turns with time: every moment of the clip has another colour.
    make(['-f', 'lavfi', '-i', 'color=c=red:s=320x240:r=25:d=1.5,hue=h=t*200', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', join(media, 'clip.mp4')]);
    make(['-f', 'lavfi', '-i', 'sine=f=12500:d=2', '-c:a', 'aac', join(media, 'tone-12k.m4a')]);
    make(['-f', 'lavfi', '-i', 'sine=f=440:d=2', '-c:a', 'aac', join(media, 'sound-only.mp4')]);
    writeFileSync(join(media, 'notes.png'), 'this is a text file, not a picture\n');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const file = (id: string) => join(stack.config.dataDir, 'videos', `${id}.mp4`);
  async function makeVideo(body: object): Promise<VideoStatusView> {
    const created = await stack.api.post('/api/videos').send(body).expect(202);
    return waitForVideo(stack.api, created.body.id);
  }
  /** One pixel (rgb) of the frame a 30 fps player shows at `seconds`. */
  function pixel(id: string, seconds: number, x: number, y: number): number[] {
    // 2x2: a 1x1 crop of yuv420p has no chroma sample.
    const vf = `fps=30,select=eq(n\\,${Math.round(seconds * 30)}),crop=2:2:${x}:${y}`;
    const out = execFileSync('ffmpeg', ['-v', 'error', '-i', file(id), '-vf', vf, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
    return [...out.subarray(0, 3)];
  }
  /** Brightest minus darkest grey level of the frame at `seconds`: a caption on a plain background is > 100. */
  function contrast(id: string, seconds: number): number {
    const out = execFileSync('ffmpeg', ['-v', 'error', '-i', file(id), '-vf', `fps=30,select=eq(n\\,${Math.round(seconds * 30)}),scale=90:160`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-']);
    return Math.max(...out) - Math.min(...out);
  }

  it.each([
    ['9:16', 640, 360, 640],
    ['16:9', 720, 1280, 720],
    ['1:1', 480, 480, 480],
  ] as const)('renders %s at height %i as %ix%i', async (aspect, height, width, expectedHeight) => {
    const status = await makeVideo({ script: 'Square, wide or tall. Every frame is filled.', render: { aspect, height } });
    expect(status.status).toBe('completed');
    const probed = ffprobe(file(status.id));
    expect(probed.video).toEqual({ codec: 'h264', width, height: expectedHeight });
    expect(probed.audio).toEqual({ codec: 'aac' });
    expect(status.result).toMatchObject({ width, height: expectedHeight });
  });

  it('renders a one-minute 1080x1920 captioned video from a topic', async () => {
    const status = await makeVideo({ topic: 'the deep sea', llm: { targetSeconds: 75 } });
    expect(status.status).toBe('completed');
    const probed = ffprobe(file(status.id));
    expect(probed.video).toEqual({ codec: 'h264', width: 1080, height: 1920 });
    const narration = status.stages.tts.audioSeconds!;
    expect(narration).toBeGreaterThan(50);
    expect(Math.abs(probed.duration - narration) / narration).toBeLessThan(0.02);
  });

  it('fills the frame with an image background from MEDIA_DIR', async () => {
    const status = await makeVideo({
      script: 'An orange sky. Nothing else.',
      render: { height: 640, background: { image: 'bg/orange.png' }, captions: { enabled: false } },
    });
    expect(status).toMatchObject({ status: 'completed' });
    // Scaled and cropped, not letterboxed: the corners are orange too.
    for (const [x, y] of [[0, 0], [358, 638]] as const) {
      const [r, g, b] = pixel(status.id, 0.5, x, y);
      expect(r).toBeGreaterThan(200);
      expect(g).toBeGreaterThan(90);
      expect(b).toBeLessThan(60);
    }
  });

  it('plays a video background (looped to its scene) on one scene and the image on the other', async () => {
    const status = await makeVideo({
      scenes: [
        { text: 'This scene plays a short clip, again and again.', background: { video: 'clip.mp4' } },
        { text: 'This one shows the image.' },
      ],
      render: { height: 640, background: { image: 'bg/orange.png' } },
    });
    expect(status.status).toBe('completed');
    const probed = ffprobe(file(status.id));
    expect(probed.video).toEqual({ codec: 'h264', width: 360, height: 640 });
    const narration = status.stages.tts.audioSeconds!;
    expect(Math.abs(probed.duration - narration) / narration).toBeLessThan(0.02);
    // The clip moves (two moments of the first scene differ); the second scene is the orange image.
    const [early, late] = [pixel(status.id, 0.2, 180, 100), pixel(status.id, 0.9, 180, 100)];
    expect(Math.max(...early.map((v, i) => Math.abs(v - late[i]!)))).toBeGreaterThan(40);
    const [r, , b] = pixel(status.id, narration - 0.3, 5, 5);
    expect(r).toBeGreaterThan(200);
    expect(b).toBeLessThan(60);
  });

  it('mixes music under the narration, ducked while the voice speaks', async () => {
    // The music is a 12.5 kHz tone, measured through a narrow band-pass: espeak-ng speaks at 22 kHz,
    // so the voice has no energy there and the band's level is the music's.
    const musicLevel = async (duck: boolean) => {
      const status = await makeVideo({
        script: 'Music plays softly under this voice. It comes back up when the voice pauses.',
        render: { height: 640, captions: { enabled: false }, music: { source: 'tone-12k.m4a', volume: 0.3, duck } },
      });
      expect(status.status).toBe('completed');
      expect(ffprobe(file(status.id)).audio).toEqual({ codec: 'aac' });
      const af = 'bandpass=f=12500:width_type=q:w=10,astats=measure_overall=RMS_level:measure_perchannel=0';
      const stats = spawnSync('ffmpeg', ['-i', file(status.id), '-af', af, '-f', 'null', '-'], { encoding: 'utf8' }).stderr;
      return Number(/RMS level dB: (-?[\d.]+)/.exec(stats)![1]);
    };
    const ducked = await musicLevel(true);
    const plain = await musicLevel(false);
    expect(plain).toBeGreaterThan(-60); // the music is there at all
    expect(plain - ducked).toBeGreaterThan(4);
  });

  it.each([
    ['Chinese', 'zh', '海洋很深。这里住着许多奇怪的动物。'],
    ['Arabic', 'ar', 'البحر عميق جدا. تعيش فيه حيوانات غريبة.'],
    ['emoji', 'en', 'Rockets 🚀 fly past the stars ✨ tonight 🌙.'],
  ])('renders %s captions without error', async (_what, language, script) => {
    const status = await makeVideo({ script, language, render: { height: 640 } });
    expect(status.status).toBe('completed');
    expect(ffprobe(file(status.id)).video).toEqual({ codec: 'h264', width: 360, height: 640 });
    // A caption is on screen in the middle of the narration (the default background is one colour).
    expect(contrast(status.id, status.stages.tts.audioSeconds! / 2)).toBeGreaterThan(100);
  });

  it.each([
    ['a missing file', { render: { background: { image: 'bg/nope.png' } } }, 'render.background.image: file not found: "bg/nope.png"'],
    ['a text file posing as .png', { render: { background: { image: 'notes.png' } } }, 'render.background.image: "notes.png" cannot be decoded as an image'],
    [
      'a video file with no video stream',
      { scenes: [{ text: 'A clip that has only sound.', background: { video: 'sound-only.mp4' } }] },
      'scenes.0.background.video: "sound-only.mp4" has no video stream',
    ],
    ['an absolute path outside MEDIA_DIR', { render: { music: { source: '/etc/hostname' } } }, 'render.music.source: "/etc/hostname" is outside MEDIA_DIR'],
  ])('fails at once, in the render stage, on %s', async (_what, body, message) => {
    const status = await makeVideo('scenes' in body ? body : { script: 'This will not be rendered.', ...body });
    expect(status.status).toBe('failed');
    expect(status.error).toMatchObject({ type: 'BadMedia', stage: 'render' });
    expect(status.error!.message).toContain(message);
    // Non-retryable: the first attempt was the last.
    expect(status.stages.render.attempt ?? 1).toBeLessThanOrEqual(1);
  });

  it('refuses a ../ escape up front with 422 naming the field', async () => {
    const res = await stack.api
      .post('/api/videos')
      .send({ script: 'Nope.', render: { background: { image: '../../etc/passwd' } } })
      .expect(422);
    expect(res.body.error.details).toEqual([
      { field: 'render.background.image', message: 'must not contain ".." (paths are relative to MEDIA_DIR)' },
    ]);
  });
});
