import { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes } from '@vidflow/contracts';
import { FfmpegError, ProbeError } from '@vidflow/media';
import { SpeechError } from './providers/speech-provider';

/**
 * Turns an adapter's error into a Temporal failure. Whether to retry was decided by the adapter that
 * raised the error (it knows whether the cause is transient); this only translates.
 */
export function toFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
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
