import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConcatList, buildRenderArgs, type RenderArgsOptions } from './build-render-args';
import { FfmpegRunner } from './ffmpeg-runner';
import { runRenderPlan } from './run-render-plan';

// Two small real renders and frame extraction: seconds each, more on a loaded 2-core machine.
jest.setTimeout(60_000);

const FPS = 15;
const SECONDS = 4;

/** Every decoded frame of `file` as grey bytes at 32x56. */
function frames(file: string): Buffer[] {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-vf', 'scale=32:56', '-f', 'rawvideo', '-pix_fmt', 'gray', '-']);
  const size = 32 * 56;
  return Array.from({ length: raw.length / size }, (_, k) => raw.subarray(k * size, (k + 1) * size));
}
const differs = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0) / a.length;

describe('runRenderPlan with the picture in pieces (real ffmpeg)', () => {
  const ffmpeg = new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' });
  let dir: string;
  let options: RenderArgsOptions;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vidflow-pieces-'));
    const make = (args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
    make(['-f', 'lavfi', '-i', 'testsrc2=s=400x300', '-frames:v', '1', join(dir, 'pattern.png')]);
    make(['-f', 'lavfi', '-i', `sine=f=220:d=${SECONDS}`, '-ar', '48000', '-ac', '1', join(dir, 'speech.wav')]);
    writeFileSync(join(dir, 'narration.txt'), buildConcatList([join(dir, 'speech.wav')]));
    const image = { image: join(dir, 'pattern.png'), motion: 'kenburns' as const };
    options = {
      width: 160,
      height: 284,
      fps: FPS,
      durationSeconds: SECONDS,
      backgrounds: [
        { background: image, startSeconds: 0 },
        { background: { color: '#ff0000' }, startSeconds: 1.5 },
        { background: image, startSeconds: 2 },
      ],
      narrationList: join(dir, 'narration.txt'),
      transition: { seconds: 0.4 },
      preset: 'ultrafast',
      output: '',
    };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('joins the pieces into one file with every frame on the grid, the frames the one-process render draws', async () => {
    const whole = buildRenderArgs({ ...options, output: join(dir, 'whole.mp4') });
    const split = buildRenderArgs({ ...options, pieces: 3, output: join(dir, 'split.mp4') });
    expect(split.video).toHaveLength(3);
    await runRenderPlan({ ffmpeg, plan: whole, totalSeconds: SECONDS });
    const progress: number[] = [];
    await runRenderPlan({ ffmpeg, plan: split, totalSeconds: SECONDS, onProgress: (p) => progress.push(p) });

    expect(progress.every((p) => p >= 0 && p <= 1)).toBe(true);
    expect(progress.at(-1)).toBe(1);
    const probe = await ffmpeg.probe(join(dir, 'split.mp4'));
    expect(probe.durationSeconds).toBeCloseTo(SECONDS, 1);
    expect(probe.streams.map((s) => s.codec)).toEqual(['h264', 'aac']);
    // Timestamps one grid step apart all the way through, across the joins too, and the file decodes without an error.
    const pts = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', join(dir, 'split.mp4')], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number)
      .sort((x, y) => x - y);
    expect(pts).toHaveLength(SECONDS * FPS);
    pts.forEach((t, k) => expect(t).toBeCloseTo(k / FPS, 3));
    expect(execFileSync('ffmpeg', ['-v', 'error', '-i', join(dir, 'split.mp4'), '-f', 'null', '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })).toBe('');

    const a = frames(join(dir, 'whole.mp4'));
    const b = frames(join(dir, 'split.mp4'));
    expect(b).toHaveLength(a.length);
    // The same pictures (up to the encoder's differences: each piece is coded on its own)...
    b.forEach((frame, k) => expect(differs(frame, a[k]!)).toBeLessThan(2));
    // ...and at each join the picture goes on moving: the frames either side differ, a little, as everywhere else.
    let at = 0;
    for (const piece of split.video.slice(0, -1)) {
      at += Math.round(piece.seconds * FPS);
      expect(differs(b[at - 1]!, b[at]!)).toBeGreaterThan(0);
      expect(differs(b[at - 1]!, b[at]!)).toBeLessThan(10);
    }
  });
});
