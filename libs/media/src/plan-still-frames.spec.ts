import { planStillFrames } from './plan-still-frames';

describe('planStillFrames', () => {
  it('gives one picture per caption change, on the first grid frame at or after it, plus the final frame', () => {
    const frames = planStillFrames({
      durationSeconds: 5,
      fps: 30,
      cues: [
        { start: 0.5, end: 2, text: 'a' },
        { start: 2, end: 4.01, text: 'b' },
      ],
      runStarts: [0],
    });
    expect(frames).toEqual([
      { frame: 0, evalMs: 250, run: 0 }, // before the first caption
      { frame: 15, evalMs: 1250, run: 0 }, // 0.5 s
      { frame: 60, evalMs: 3005, run: 0 }, // 2.0 s
      { frame: 121, evalMs: 4505, run: 0 }, // 4.01 s -> 120.3 -> frame 121
      { frame: 149, evalMs: 4505, run: 0 }, // the last grid frame, so the track lasts 5 s
    ]);
  });

  it('starts a picture where the background changes and names its run', () => {
    const frames = planStillFrames({ durationSeconds: 4, fps: 25, cues: [], runStarts: [0, 1.234] });
    expect(frames).toEqual([
      { frame: 0, evalMs: 615, run: 0 },
      { frame: 31, evalMs: 2615, run: 1 }, // 1.23 s (10 ms grid) * 25 = 30.75 -> 31
      { frame: 99, evalMs: 2615, run: 1 },
    ]);
  });

  it('lets a picture shorter than one frame give way to the next (what a constant-rate render shows)', () => {
    const frames = planStillFrames({
      durationSeconds: 2,
      fps: 10,
      cues: [
        { start: 0, end: 1.01, text: 'a' },
        { start: 1.01, end: 1.05, text: 'b' },
        { start: 1.05, end: 2, text: 'c' },
      ],
      runStarts: [0],
    });
    // 1.01 and 1.05 both land on frame 11: only "c" (evaluated at 1.525 s) is kept there.
    expect(frames).toEqual([
      { frame: 0, evalMs: 505, run: 0 },
      { frame: 11, evalMs: 1525, run: 0 },
      { frame: 19, evalMs: 1525, run: 0 },
    ]);
  });

  it('keeps a single picture for a video shorter than a frame, and drops points at or past the end', () => {
    expect(planStillFrames({ durationSeconds: 0.02, fps: 30, cues: [{ start: 0, end: 0.5, text: 'x' }], runStarts: [0] })).toEqual([
      { frame: 0, evalMs: 10, run: 0 },
    ]);
  });

  it('never evaluates a caption on its boundary: every evalMs lies strictly inside its segment', () => {
    const cues = Array.from({ length: 40 }, (_, i) => ({ start: i * 0.37, end: (i + 1) * 0.37, text: String(i) }));
    const frames = planStillFrames({ durationSeconds: 14.8, fps: 24, cues, runStarts: [0, 3.3, 9.99] });
    const boundaries = new Set(cues.flatMap((c) => [Math.round(c.start * 100) * 10, Math.round(c.end * 100) * 10]));
    for (const f of frames) expect(boundaries.has(f.evalMs)).toBe(false);
    const indices = frames.map((f) => f.frame);
    expect([...indices].sort((a, b) => a - b)).toEqual(indices);
    expect(new Set(indices).size).toBe(indices.length);
    expect(indices.at(-1)).toBe(Math.round(14.8 * 24) - 1);
  });
});
