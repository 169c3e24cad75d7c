import type { VoiceOptions } from '@vidflow/contracts';

export interface SynthesizeRequest {
  text: string;
  language: string;
  voice: VoiceOptions;
  /** Absolute path of the audio file to write (any format ffmpeg reads). */
  output: string;
  signal?: AbortSignal;
}

/** Text-to-speech engine. Implementations throw `SpeechError` with `retryable` decided where they fail. */
export interface SpeechProvider {
  readonly name: string;
  /**
   * What, besides the request, decides the audio (engine version, model, default voice): part of the
   * speech cache key, so that changing the model does not serve audio made by the old one.
   */
  readonly identity: string;
  /** Resolves with what the engine knows besides the audio (word times), or nothing. */
  synthesize(request: SynthesizeRequest): Promise<SynthesizeResult | void>;
}

/** A word as spoken, in seconds from the start of the written audio. */
export interface SpokenWord {
  text: string;
  start: number;
  end: number;
}

export interface SynthesizeResult {
  /** Exact word times when the engine reports them (Festival's utterance structure); otherwise absent. */
  words?: SpokenWord[];
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
