/**
 * A remote provider (LLM, TTS) failed. The adapter that talked to it decides `retryable` (rate limits,
 * 5xx, timeouts, dropped connections, unusable output) and passes on the provider's own message when it
 * refused the request, so that the video's status shows it. `retryAfterSeconds` is the provider's
 * `Retry-After`: the next attempt waits exactly that long instead of the retry policy's backoff.
 */
export class ProviderError extends Error {
  override name = 'ProviderError';
  readonly retryable: boolean;
  readonly retryAfterSeconds?: number;
  /** HTTP status of the provider's answer, when there was one. */
  readonly status?: number;

  constructor(message: string, options: { retryable: boolean; retryAfterSeconds?: number; status?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.status = options.status;
  }
}
