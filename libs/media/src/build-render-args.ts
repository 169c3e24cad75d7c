import { escapeFilterValue } from './escape-filter-value';
import type { FfmpegSpec } from './ffmpeg-spec';

export interface RenderArgsOptions {
  width: number;
  height: number;
  fps: number;
  durationSeconds: number;
  /** `#rrggbb` (validated upstream; it is placed inside a filter description). */
  backgroundColor: string;
  /** A concat-demuxer list of the scenes' normalised speech files. */
  narrationList: string;
  /** An ASS file with the captions, or undefined for none. */
  subtitlesPath?: string;
  preset: string;
  output: string;
}

/**
 * One ffmpeg run that draws a solid background, burns in the captions and muxes the narration into an
 * H.264 + AAC MP4. The background comes from lavfi's `color` source rather than a looped image, so no
 * image is decoded or scaled per frame, and `-tune stillimage` lets x264 spend almost nothing on frames
 * that do not change.
 */
export function buildRenderArgs(o: RenderArgsOptions): FfmpegSpec {
  const color = hexToFfmpegColor(o.backgroundColor);
  const duration = o.durationSeconds.toFixed(3);
  const video = o.subtitlesPath
    ? `[0:v]subtitles=filename=${escapeFilterValue(o.subtitlesPath)},format=yuv420p[v]`
    : '[0:v]format=yuv420p[v]';
  return {
    inputs: [
      { source: `color=c=${color}:s=${o.width}x${o.height}:r=${o.fps}:d=${duration}`, options: ['-f', 'lavfi'] },
      { source: o.narrationList, options: ['-f', 'concat', '-safe', '0'] },
    ],
    filterComplex: video,
    outputOptions: [
      '-map', '[v]',
      '-map', '1:a',
      '-c:v', 'libx264',
      '-preset', o.preset,
      '-tune', 'stillimage',
      '-crf', '23',
      '-pix_fmt', 'yuv420p',
      '-r', String(o.fps),
      '-c:a', 'aac',
      '-b:a', '128k',
      '-ar', '48000',
      '-ac', '2',
      '-t', duration,
      '-movflags', '+faststart',
    ],
    output: o.output,
  };
}

/** `#abc` / `#aabbcc` -> `0xaabbcc` (ffmpeg's colour syntax; `#` is fine too, but 0x needs no thought). */
export function hexToFfmpegColor(hex: string): string {
  const m = /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.exec(hex);
  if (!m) throw new Error(`not a hex colour: ${JSON.stringify(hex)}`);
  const digits = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return `0x${digits.toLowerCase()}`;
}

/**
 * A concat-demuxer list file (ffmpeg-formats(1), "concat"): one `file '<path>'` line per input, with
 * single quotes inside a path written as '\'' .
 */
export function buildConcatList(paths: string[]): string {
  return paths.map((p) => `file '${p.replace(/'/g, "'\\''")}'`).join('\n') + '\n';
}
