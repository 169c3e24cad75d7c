import type { TranscriptSegment } from '@vidflow/media';

export interface TranscribeRequest {
  /** A 16 kHz mono 16-bit WAV file (one chunk). */
  audioPath: string;
  /** BCP-47 tag from the request ("en", "pt-BR"). */
  language: string;
  /** The request's `provider.model`; the provider's configured default when absent. */
  model?: string;
  signal?: AbortSignal;
}

export interface TranscribeResult {
  /** Times from the start of the given audio. */
  segments: TranscriptSegment[];
}

/**
 * Speech-to-text engine. Implementations throw `ProviderError` (remote servers) or `SpeechToTextError` (local
 * engines, refused requests) with `retryable` decided where they fail.
 */
export interface SpeechToTextProvider {
  readonly name: string;
  /** The engine and model as the transcript's JSON names them, e.g. `pocketsphinx 5prealpha (en-us)`. */
  engine(model?: string): string;
  /**
   * What, besides the audio and language, decides the transcript (engine version, model, server): part of the
   * transcript cache key, so that another model never serves a transcript made by the old one.
   */
  identity(model?: string): string;
  /** Why this provider cannot transcribe `language`, or undefined (the activity refuses before doing any work). */
  languageProblem(language: string): string | undefined;
  transcribe(request: TranscribeRequest): Promise<TranscribeResult>;
}

export class SpeechToTextError extends Error {
  override name = 'SpeechToTextError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly field?: string,
  ) {
    super(message);
  }
}
