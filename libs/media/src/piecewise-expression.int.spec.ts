import { spawnSync } from 'node:child_process';
import { pieceWise } from './build-render-args';
import type { StillFrame } from './plan-still-frames';

/** ffmpeg itself takes the long form: a sum of this many terms is what it refused ("Error while parsing expression"). */
describe('pieceWise with real ffmpeg', () => {
  it('sets the timestamp of each of 400 frames', () => {
    const n = 400;
    const frames: StillFrame[] = Array.from({ length: n }, (_, i) => ({ frame: i * 3 + (i % 2), evalMs: 0, run: 0 }));
    const expr = pieceWise(frames, (f) => f.frame);
    const run = spawnSync(
      'ffmpeg',
      // showinfo logs each frame's pts (in the 1/30 time base set before it) at the info level.
      ['-hide_banner', '-loglevel', 'info', '-f', 'lavfi', '-i', `color=c=red:s=16x16:r=1:d=${n}`, '-filter_complex', `[0:v]settb=1/30,setpts='${expr}',showinfo[v]`, '-map', '[v]', '-f', 'null', '-'],
      { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    );
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain('Error');
    const pts = [...run.stderr.matchAll(/n: *\d+ pts: *(\d+)/g)].map((m) => Number(m[1]));
    expect(pts).toEqual(frames.map((f) => f.frame));
  });
});
