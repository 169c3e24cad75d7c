import { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes } from '@vidflow/contracts';
import { FfmpegError, ProbeError } from '@vidflow/media';
import { SpeechError } from './providers/speech-provider';

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

/**
 * Turns an adapter's error into a Temporal failure. Whether to retry was decided by the adapter that
 * raised the error (it knows whether the cause is transient); this only translates.
 */
export function toFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof ProviderError) {
    return ApplicationFailure.create({
      type: err.retryable ? ErrorTypes.ProviderUnavailable : ErrorTypes.ProviderRejected,
      message: err.message,
      nonRetryable: !err.retryable,
      // Temporal 1.24: overrides the retry policy's backoff for this one retry (a number is milliseconds).
      nextRetryDelay: err.retryable && err.retryAfterSeconds !== undefined ? err.retryAfterSeconds * 1000 : undefined,
      details: err.status !== undefined ? [{ status: err.status }] : undefined,
    });
  }
  if (err instanceof SpeechError) {
    return ApplicationFailure.create({
      type: err.retryable ? ErrorTypes.ProviderUnavailable : ErrorTypes.BadInput,
      message: err.message,
      nonRetryable: !err.retryable,
      details: err.field ? [{ field: err.field }] : undefined,
    });
  }
  if (err instanceof FfmpegError) {
    // ffmpeg crashing or being killed is worth another attempt; bad inputs are caught before it runs.
    return ApplicationFailure.create({ type: ErrorTypes.RenderFailed, message: err.message, nonRetryable: false });
  }
  if (err instanceof ProbeError) {
    return ApplicationFailure.create({ type: ErrorTypes.RenderFailed, message: err.message, nonRetryable: false });
  }
  return err;
}
