import { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes } from '@vidflow/contracts';
import { FfmpegError, ProbeError } from '@vidflow/media';
import { ProviderError } from '../adapters/provider-error';
import { SpeechError } from '../adapters/speech/speech-provider';
import { SpeechToTextError } from '../adapters/speech-to-text/speech-to-text-provider';

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
  if (err instanceof SpeechToTextError) {
    // A refused request (language, chunk size) names its field; a recogniser that crashed is tried again.
    return ApplicationFailure.create({
      type: err.retryable ? ErrorTypes.ProviderUnavailable : err.field ? ErrorTypes.BadInput : ErrorTypes.ToolMissing,
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
