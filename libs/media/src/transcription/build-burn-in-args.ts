import { escapeFilterValue } from '../escape-filter-value';
import type { FfmpegSpec } from '../ffmpeg-spec';

export interface BurnInOptions {
  /** The original video. */
  input: string;
  /** ASS subtitles (buildTranscriptCaptions) sized for the video's frame. */
  subtitlesPath: string;
  preset: string;
  /** Copy the original audio stream as it is (AAC, MP3 and ALAC fit in MP4); otherwise it is encoded to AAC. */
  copyAudio: boolean;
  output: string;
}

/** Audio codecs an MP4 carries as they are. */
export const MP4_AUDIO_CODECS: ReadonlySet<string> = new Set(['aac', 'mp3', 'alac']);

/**
 * The original video with the subtitles burned in by libass (the same renderer as video captions), H.264 in an MP4,
 * with the original audio (copied when it fits an MP4). Only the first video and audio streams are kept.
 */
export function buildBurnInArgs(o: BurnInOptions): FfmpegSpec {
  return {
    inputs: [{ source: o.input, options: [] }],
    outputOptions: [
      '-map', '0:v:0',
      '-map', '0:a:0',
      '-vf', `subtitles=filename=${escapeFilterValue(o.subtitlesPath)}`,
      '-c:v', 'libx264', '-preset', o.preset, '-crf', '20', '-pix_fmt', 'yuv420p',
      ...(o.copyAudio ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', '160k']),
      '-movflags', '+faststart',
      '-f', 'mp4',
    ],
    output: o.output,
  };
}
