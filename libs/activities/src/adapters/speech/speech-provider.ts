import type { SpokenWord, VoiceOptions } from '@vidflow/contracts';

export type { SpokenWord };

export interface SynthesizeRequest {
  text: string;
  language: string;
  voice: VoiceOptions;
  /** Absolute path of the audio file to write (any format ffmpeg reads). */
  output: string;
  signal?: AbortSignal;
}

export interface SynthesizeResult {
  /** Exact word times when the engine reports them (Festival's utterance structure); otherwise absent. */
  words?: SpokenWord[];
}

/** Text-to-speech engine. Implementations throw `SpeechError` with `retryable` decided where they fail. */
export interface SpeechProvider {
  readonly name: string;
  /**
   * What, besides the request, decides the audio (engine version, model, default voice): part of the
   * speech cache key, so that changing the model does not serve audio made by the old one.
   */
  readonly identity: string;
  /** Writes the audio; an engine that knows when each word is spoken returns the times (seconds from the file's start). */
  synthesize(request: SynthesizeRequest): Promise<SynthesizeResult | void>;
}

export class SpeechError extends Error {
  override name = 'SpeechError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly field?: string,
  ) {
    super(message);
  }
}
