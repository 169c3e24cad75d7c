import type { VideoStatusView } from '@vidflow/contracts';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ffprobe } from './support/ffprobe';
import { startTestStack, type TestStack, waitForVideo } from './support/test-stack';

/**
 * Caption styles end to end: a video per preset and word mode, checked with ffprobe and by reading the
 * rendered frames back (the highlight colour is on screen and moves across the line as words are spoken).
 */
describe('captions end to end', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const W = 360;
  const H = 640;
  const file = (id: string) => join(stack.config.dataDir, 'videos', `${id}.mp4`);
  async function makeVideo(body: object): Promise<VideoStatusView> {
    const created = await stack.api.post('/api/videos').send(body).expect(202);
    const done = await waitForVideo(stack.api, created.body.id);
    return done;
  }
  /** Every frame at 10 fps (WxH), as rgb24. */
  function frames(id: string): Buffer[] {
    const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', file(id), '-vf', 'fps=10', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 28 });
    const size = W * H * 3;
    return Array.from({ length: Math.floor(raw.length / size) }, (_, i) => raw.subarray(i * size, (i + 1) * size));
  }
  /** Centre of the pixels close to `rgb` in a frame, or undefined when there are fewer than 8. */
  function centroid(frame: Buffer, rgb: [number, number, number]): { x: number; y: number; n: number } | undefined {
    let sx = 0;
    let sy = 0;
    let n = 0;
    for (let i = 0; i < W * H; i++) {
      const d = Math.abs(frame[i * 3]! - rgb[0]) + Math.abs(frame[i * 3 + 1]! - rgb[1]) + Math.abs(frame[i * 3 + 2]! - rgb[2]);
      if (d < 90) {
        sx += i % W;
        sy += Math.floor(i / W);
        n++;
      }
    }
    return n >= 8 ? { x: sx / n, y: sy / n, n } : undefined;
  }

  const script = 'Seven ships sail home tonight. The harbour lights are burning bright.';

  it.each([
    ['bold', [255, 212, 0]],
    ['karaoke', [0, 224, 255]],
  ] as const)('%s: the highlight colour moves across the line as the words are spoken', async (preset, rgb) => {
    const status = await makeVideo({ script, render: { height: 640, captions: { preset } } });
    expect(status.status).toBe('completed');
    expect(ffprobe(file(status.id)).video).toEqual({ codec: 'h264', width: 360, height: 640 });
    // espeak-ng reports no word times; word mode has them aligned to the speech (PocketSphinx).
    expect(status.scenes?.map((s) => s.wordTimes)).toEqual(status.scenes?.map(() => 'alignment'));
    const lit = frames(status.id).map((f) => centroid(f, [...rgb]));
    const seen = lit.filter((c) => c !== undefined);
    // The highlight is on screen for most of the narration ...
    expect(seen.length).toBeGreaterThan(lit.length * 0.6);
    // ... and it is in more than three places over time (it moves with the words).
    const places = new Set(seen.map((c) => `${Math.round(c.x / 6)},${Math.round(c.y / 6)}`));
    expect(places.size).toBeGreaterThan(3);
    // Through the first cue it only moves forward: right along a line (left-to-right text), then down to the next line.
    const run: Array<{ x: number; y: number }> = [];
    for (const c of lit) {
      if (!c) continue;
      const last = run.at(-1);
      if (last && (c.y < last.y - 4 || (Math.abs(c.y - last.y) <= 4 && c.x < last.x - 2 && preset === 'bold'))) break;
      run.push(c);
    }
    expect(new Set(run.map((c) => `${Math.round(c.x / 4)},${Math.round(c.y / 4)}`)).size).toBeGreaterThanOrEqual(3);
    if (preset === 'karaoke') {
      // Karaoke fills: the lit area only grows through the cue.
      const sizes = lit.slice(0, lit.indexOf(run.at(-1) as never) + 1).filter((c) => c !== undefined).map((c) => c.n);
      expect(sizes.at(-1)!).toBeGreaterThan(sizes[0]! * 1.5);
    }
  });

  it.each(['clean', 'boxed'] as const)('%s: phrases without a highlight, white text on screen', async (preset) => {
    const status = await makeVideo({ script, render: { height: 640, captions: { preset } } });
    expect(status.status).toBe('completed');
    const all = frames(status.id);
    const mid = all[Math.floor(all.length / 3)]!;
    expect(centroid(mid, [255, 255, 255])).toBeDefined();
    expect(all.every((f) => centroid(f, [255, 212, 0]) === undefined)).toBe(true);
    if (preset === 'boxed') {
      // The box: near-black pixels around the text on the navy background (#0b1d3a has blue 58).
      expect(centroid(mid, [4, 10, 20])).toBeDefined();
    }
  });

  it('honours position top: the caption is in the upper half', async () => {
    const status = await makeVideo({ script, render: { height: 640, captions: { preset: 'clean', position: 'top' } } });
    const mid = frames(status.id)[10]!;
    expect(centroid(mid, [255, 255, 255])!.y).toBeLessThan(H / 3);
  });

  it('refuses a caption field out of range, naming it (a schema error, like every other field)', async () => {
    const res = await stack.api.post('/api/videos').send({ script: 'x', render: { captions: { maxWordsPerLine: 0 } } }).expect(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['render.captions.maxWordsPerLine']);
  });
});
