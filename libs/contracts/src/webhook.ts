import { defineQuery } from '@temporalio/workflow';

/** Event types of completion webhooks (API.md "Webhooks"): `<kind>.<terminal status>`, and the test `ping`. */
export type WebhookEventType =
  | 'video.completed'
  | 'video.failed'
  | 'video.cancelled'
  | 'batch.completed'
  | 'batch.failed'
  | 'batch.cancelled'
  | 'transcription.completed'
  | 'transcription.failed'
  | 'transcription.cancelled'
  | 'ping';

/** The body POSTed to a callbackUrl. `timestamp` is when the event happened (the same on every attempt). */
export interface WebhookEvent {
  type: WebhookEventType;
  timestamp: string;
  data: unknown;
}

/** A delivery's state, in the status of the video, batch or transcription that asked for it. */
export interface WebhookState {
  status: 'pending' | 'delivered' | 'failed';
  /** Attempts made so far (an attempt lost with its worker counts). */
  attempts: number;
  /** Why the last attempt did not deliver: `HTTP 503`, `connect ECONNREFUSED ...`, a refused address. */
  lastError?: string;
  deliveredAt?: string;
}

export const WEBHOOK_WORKFLOW = 'webhookDeliveryWorkflow';

/** The delivery workflow of the run whose id is `subjectId` (vid-…, bat-…, trn-…). */
export function webhookWorkflowId(subjectId: string): string {
  return `whk-${subjectId}`;
}

export const webhookStatusQuery = defineQuery<WebhookState>('webhookStatus');

export interface WebhookDeliveryInput {
  /** `webhook-id`: one per event, the same on every attempt, so a receiver can drop duplicates. */
  messageId: string;
  url: string;
  event: WebhookEvent;
  /** Retries stop this long after the first attempt (WEBHOOK_RETRY_HOURS). */
  retryHours: number;
}

/** What one attempt found. `retryAfterSeconds` is the receiver's Retry-After (429/503), when it sent one. */
export type WebhookAttemptResult =
  | { outcome: 'delivered'; status: number }
  | { outcome: 'retry'; error: string; retryAfterSeconds?: number }
  | { outcome: 'stop'; error: string };

export interface WebhookAttemptInput {
  messageId: string;
  url: string;
  event: WebhookEvent;
  attempt: number;
}
