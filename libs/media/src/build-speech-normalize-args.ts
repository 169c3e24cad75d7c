import type { FfmpegSpec } from './ffmpeg-spec';

/** The silence appended after each scene's speech by default (captions time words within the rest). */
export const SCENE_PAUSE_SECONDS = 0.3;

export interface SpeechNormalizeOptions {
  input: string;
  output: string;
  /** Silence appended after the scene so that scenes do not run into each other. */
  pauseSeconds?: number;
}

/** Narration is mixed and encoded at this rate everywhere, so scene files concatenate without resampling. */
export const SPEECH_SAMPLE_RATE = 48000;

/**
 * Loudness-normalises one scene's speech to -16 LUFS (the common target for spoken content on mobile
 * platforms) and converts it to 48 kHz mono PCM. Single-pass loudnorm resamples to 192 kHz internally,
 * hence the explicit `aresample` after it.
 */
export function buildSpeechNormalizeArgs(o: SpeechNormalizeOptions): FfmpegSpec {
  const pause = o.pauseSeconds ?? SCENE_PAUSE_SECONDS;
  return {
    inputs: [{ source: o.input, options: [] }],
    outputOptions: [
      '-af',
      `loudnorm=I=-16:TP=-1.5:LRA=11,aresample=${SPEECH_SAMPLE_RATE},apad=pad_dur=${pause}`,
      '-ac',
      '1',
      '-c:a',
      'pcm_s16le',
      '-f',
      'wav',
    ],
    output: o.output,
  };
}
