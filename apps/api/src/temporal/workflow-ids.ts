import { createHash } from 'node:crypto';
import { ValidationFailedError } from '../common/api-errors';

// The ids of what the API runs on Temporal: a video's and a batch's workflow id is its public id, a
// schedule's id is its own (each of its runs is the batch `bat-<schedule id>-<scheduled time>`).

/** `vid-<uuid>` from the API; `vid-<batch>-<index>` for an item of a batch (a batch id may carry a schedule time). */
const VIDEO_ID = /^vid-[A-Za-z0-9._:-]{1,220}$/;
/** `bat-<uuid>` from the API, `bat-<schedule id>-<scheduled time>` from a schedule. */
const BATCH_ID = /^bat-[A-Za-z0-9._:-]{1,200}$/;
const SCHEDULE_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/;
/** `trn-<uuid>` from the API. */
const TRANSCRIPTION_ID = /^trn-[A-Za-z0-9._:-]{1,200}$/;

export function assertVideoId(id: string): void {
  if (!VIDEO_ID.test(id)) {
    throw new ValidationFailedError(`id: "${id}" is not a video id (vid-<uuid>)`, [{ field: 'id', message: 'not a video id' }]);
  }
}

export function assertBatchId(id: string): void {
  if (!BATCH_ID.test(id)) {
    throw new ValidationFailedError(`id: "${id}" is not a batch id (bat-...)`, [{ field: 'id', message: 'not a batch id' }]);
  }
}

export function assertScheduleId(id: string): void {
  if (!SCHEDULE_ID.test(id)) {
    throw new ValidationFailedError(`id: "${id}" is not a schedule id`, [{ field: 'id', message: 'not a schedule id' }]);
  }
}

export function assertTranscriptionId(id: string): void {
  if (!TRANSCRIPTION_ID.test(id)) {
    throw new ValidationFailedError(`id: "${id}" is not a transcription id (trn-<uuid>)`, [{ field: 'id', message: 'not a transcription id' }]);
  }
}

/** The workflow id of the runs a schedule starts; Temporal appends each run's scheduled time. */
export function scheduledBatchIdPrefix(scheduleId: string): string {
  return `bat-${scheduleId}`;
}

/**
 * A workflow id derived from a key (and whoever sent it): the same key always names the same workflow,
 * so Temporal itself guarantees that a retried POST never starts a second one, across any number of API
 * replicas and restarts, with nothing stored by the API. Shaped like a UUID, as the API's other ids.
 */
export function idempotentId(prefix: 'vid' | 'bat' | 'trn', scope: string, key: string): string {
  const h = createHash('sha256').update(`${prefix}\0${scope}\0${key}`).digest('hex');
  return `${prefix}-${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
