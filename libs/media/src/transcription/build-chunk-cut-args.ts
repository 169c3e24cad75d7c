import type { FfmpegSpec } from '../ffmpeg-spec';
import { STT_SAMPLE_RATE } from './build-audio-extract-args';

export interface ChunkCutOptions {
  /** The extracted 16 kHz mono WAV (buildAudioExtractArgs). */
  input: string;
  start: number;
  end: number;
  output: string;
}

/**
 * One chunk of the extracted audio as its own WAV. Seeking in PCM WAV is sample-exact, so a chunk starts exactly
 * at `start` and its transcript's times plus `start` are times of the original file. `-map_metadata -1` and
 * `-fflags +bitexact` keep the bytes a function of the samples alone: the transcript cache is keyed by their sha256.
 */
export function buildChunkCutArgs(o: ChunkCutOptions): FfmpegSpec {
  return {
    inputs: [{ source: o.input, options: ['-ss', seconds(o.start), '-t', seconds(o.end - o.start)] }],
    outputOptions: [
      '-map', '0:a:0',
      '-map_metadata', '-1',
      '-fflags', '+bitexact',
      '-flags:a', '+bitexact',
      '-ac', '1',
      '-ar', String(STT_SAMPLE_RATE),
      '-c:a', 'pcm_s16le',
      '-f', 'wav',
    ],
    output: o.output,
  };
}

/** Milliseconds are finer than any cut needs and keep argv free of float noise such as 12.300000000000001. */
function seconds(s: number): string {
  return (Math.round(s * 1000) / 1000).toFixed(3);
}
