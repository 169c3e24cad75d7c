import type { FfmpegSpec } from './ffmpeg-spec';

export interface PosterOptions {
  /** The finished MP4. */
  input: string;
  /** Its duration in seconds (where the frame is taken depends on it). */
  durationSeconds: number;
  /** The JPEG to write. */
  output: string;
  /** Width of the poster in pixels; the height follows the video's aspect (even, for any later encoder). */
  width?: number;
}

/** The library's poster width: sharp at the Studio's 64-96 px thumbnails on a 2x or 3x screen. */
export const POSTER_WIDTH = 320;

/**
 * Where the poster frame is taken: a quarter into the video, at most 2 s in. The very first frame is often
 * still dark (a fade, a video background's first keyframe) and the first caption may not be on screen yet.
 */
export function posterSeconds(durationSeconds: number): number {
  return Math.max(0, Math.min(2, durationSeconds * 0.25));
}

/**
 * One JPEG frame of a finished video: the library's thumbnail and the player's poster. `-ss` before `-i`
 * seeks on the demuxer (fast: it decodes from the nearest keyframe, not from the start).
 */
export function buildPosterArgs(o: PosterOptions): FfmpegSpec {
  const width = o.width ?? POSTER_WIDTH;
  return {
    inputs: [{ source: o.input, options: ['-ss', posterSeconds(o.durationSeconds).toFixed(3)] }],
    outputOptions: ['-map', '0:v:0', '-frames:v', '1', '-vf', `scale=${width}:-2`, '-q:v', '4', '-f', 'image2', '-c:v', 'mjpeg'],
    output: o.output,
  };
}
