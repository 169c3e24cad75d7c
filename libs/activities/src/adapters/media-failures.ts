import { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes } from '@vidflow/contracts';

/**
 * A media reference that no retry can fix (missing, unreadable, not media, a refused URL, a 4xx):
 * fails the video at once. The message starts with the request field, which the status shows.
 */
export function badMedia(field: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorTypes.BadMedia, message: `${field}: ${message}`, nonRetryable: true, details: [{ field }] });
}

/**
 * A media URL that could not be fetched this time (5xx, timeout, dropped connection): Temporal retries
 * the render with backoff, or after `retryAfterMs` when the server said how long to wait.
 */
export function mediaUnavailable(field: string, message: string, retryAfterMs?: number): ApplicationFailure {
  return ApplicationFailure.create({
    type: ErrorTypes.MediaUnavailable,
    message: `${field}: ${message}`,
    nonRetryable: false,
    nextRetryDelay: retryAfterMs,
    details: [{ field }],
  });
}
