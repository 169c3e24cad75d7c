import type { FfmpegSpec } from './ffmpeg-spec';

export interface DecodeCheckOptions {
  input: string;
  /** The kind of stream that must decode: `v` (image or video) or `a` (audio). */
  stream: 'v' | 'a';
}

/**
 * Decodes the first frame of `input`'s first video (or audio) stream and throws it away. ffprobe alone
 * accepts a text file named `.png` (the image2 demuxer trusts the extension and reports a 0x0 png
 * stream); only decoding shows that it is not an image. `-xerror` turns the decoder's complaint into
 * a failed run.
 */
export function buildDecodeCheckArgs(o: DecodeCheckOptions): FfmpegSpec {
  return {
    inputs: [{ source: o.input, options: ['-xerror'] }],
    outputOptions: ['-map', `0:${o.stream}:0`, `-frames:${o.stream}`, '1', '-f', 'null'],
    output: '-',
  };
}
