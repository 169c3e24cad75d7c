import type { CaptionCue } from './build-caption-cues';

/** One distinct picture of a still-background render: what to draw and on which frame of the fps grid it starts. */
export interface StillFrame {
  /** Index on the output's fps grid where this picture starts (held until the next one). */
  frame: number;
  /** A time inside the picture's segment, in ms, at which the subtitles filter evaluates the captions. */
  evalMs: number;
  /** Which background run (see `buildRenderArgs`) the picture is drawn on. */
  run: number;
}

export interface PlanStillFramesOptions {
  durationSeconds: number;
  fps: number;
  /** Captions on the timeline (times on a 10 ms grid, as `buildCaptionCues` makes them); [] for none. */
  cues: CaptionCue[];
  /** Start of each background run in seconds, ascending, the first 0. */
  runStarts: number[];
}

/**
 * With a still background the picture only changes where a caption starts or ends or the background
 * changes, so a 60 s video needs a few dozen distinct frames, not 1,800. This lists them: every change
 * point becomes a picture that starts on the first frame of the fps grid at or after it (the frame a
 * constant-rate render would first show it on), a picture shorter than one frame gives way to the
 * next one, and the last picture is repeated on the final grid frame so the video track lasts as long
 * as the audio. Change points are rounded to 10 ms (ASS time resolution), so every segment is at least
 * 10 ms long and `evalMs`, its middle, is never on a caption boundary.
 */
export function planStillFrames(o: PlanStillFramesOptions): StillFrame[] {
  const endMs = to10ms(o.durationSeconds);
  const totalFrames = Math.max(1, Math.round(o.durationSeconds * o.fps));
  const runStartsMs = o.runStarts.map(to10ms);
  const points = new Set<number>([0, ...runStartsMs]);
  for (const cue of o.cues) points.add(to10ms(cue.start)).add(to10ms(cue.end));
  const sorted = [...points].filter((p) => p >= 0 && p < endMs).sort((a, b) => a - b);
  if (sorted.length === 0) sorted.push(0);

  const frames: StillFrame[] = [];
  sorted.forEach((startMs, i) => {
    const nextMs = sorted[i + 1] ?? Math.max(endMs, startMs + 10);
    // A tiny epsilon keeps 0.1 s * 30 fps = 3.0000000000000004 on frame 3.
    const frame = Math.max(0, Math.ceil((startMs * o.fps) / 1000 - 1e-6));
    if (frame >= totalFrames) return;
    let run = 0;
    runStartsMs.forEach((s, r) => {
      if (s <= startMs) run = r;
    });
    const picture = { frame, evalMs: startMs + Math.floor((nextMs - startMs) / 2), run };
    if (frames.at(-1)?.frame === frame) frames[frames.length - 1] = picture;
    else frames.push(picture);
  });
  const last = frames.at(-1)!;
  if (last.frame < totalFrames - 1) frames.push({ ...last, frame: totalFrames - 1 });
  return frames;
}

function to10ms(seconds: number): number {
  return Math.round(seconds * 100) * 10;
}
