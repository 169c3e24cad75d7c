import type { FfmpegSpec } from '../ffmpeg-spec';

export interface SilenceDetectOptions {
  input: string;
  /** Below this level (dBFS) counts as silence; -35 dB separates the pauses of read speech from its quiet consonants. */
  noiseDb?: number;
  /** Shortest pause that counts; a gap between two words in fluent speech is shorter than 0.3 s. */
  minSilenceSeconds?: number;
}

export const DEFAULT_SILENCE = { noiseDb: -35, minSilenceSeconds: 0.3 } as const;

/** Runs `silencedetect` over the audio and discards the output: the silences are printed on stderr (parseSilenceDetect). */
export function buildSilenceDetectArgs(o: SilenceDetectOptions): FfmpegSpec {
  const noise = o.noiseDb ?? DEFAULT_SILENCE.noiseDb;
  const d = o.minSilenceSeconds ?? DEFAULT_SILENCE.minSilenceSeconds;
  return {
    inputs: [{ source: o.input, options: [] }],
    outputOptions: ['-map', '0:a:0', '-af', `silencedetect=noise=${noise}dB:d=${d}`, '-f', 'null'],
    output: '-',
  };
}
