import { defineQuery } from '@temporalio/workflow';
import type { BatchRequest } from './batch';
import type { RunStatus, VideoError } from './video-status';
import type { VideoRunSettings } from './video-workflow-input';
import type { WebhookState } from './webhook';

// The batch workflow's side of the batch contract. Like everything `./workflow` exports, free of zod at run time.

/** One character per item, so that 10,000 items cost 10 kB of workflow state. */
export const ITEM_STATE = { queued: 'q', running: 'r', completed: 'c', failed: 'f', cancelled: 'x' } as const;
export type ItemStateChar = (typeof ITEM_STATE)[keyof typeof ITEM_STATE];

/** The batch workflow's state: what its query answers, what it returns, and what it carries across continue-as-new. */
export interface BatchProgress {
  batchId: string;
  status: RunStatus;
  /** ITEM_STATE characters, one per item. */
  items: string;
  /**
   * Errors of failed items, by index: the same shape as a video's error (the message cut to 300 characters).
   * Runs before this shape carried the message alone (a string); `batchItemError` reads both.
   */
  errors: Record<number, VideoError | string>;
  cacheHits: number;
  /** How many times this batch has continued as new (each run keeps the history small). */
  runs: number;
  /** Set once the run has started its webhook's delivery (a request with callbackUrl); the API reads its state. */
  webhook?: WebhookState;
}

export interface BatchWorkflowInput {
  request: BatchRequest;
  /** How its items run (videoWorkflowInput builds each item's input from these). */
  video: VideoRunSettings;
  /** Set when continuing as new, or when re-running the failed items of a finished batch. */
  carry?: BatchProgress;
  /** Continue as new once the run's history has this many events (Temporal's hard limit is 51,200). */
  historyLimit?: number;
}

export const batchStatusQuery = defineQuery<BatchProgress>('batchStatus');

/** Video ids of batch items are deterministic: the batch id (without `bat-`) and the item's index. */
export function batchItemVideoId(batchId: string, index: number): string {
  return `vid-${batchId.replace(/^bat-/, '')}-${index}`;
}

/** A failed item's error as the contract shows it; a plain message (kept by older runs) becomes `{ type: 'Error', message }`. */
export function batchItemError(error: VideoError | string): VideoError {
  return typeof error === 'string' ? { type: 'Error', message: error } : error;
}

const STATE_NAME: Record<string, RunStatus> = { q: 'queued', r: 'running', c: 'completed', f: 'failed', x: 'cancelled' };

export interface BatchItemView {
  index: number;
  videoId: string;
  status: RunStatus;
  /** Why a failed item failed: the same shape as a video's error. */
  error?: VideoError;
}

export interface BatchStatusView {
  id: string;
  status: RunStatus;
  total: number;
  completed: number;
  failed: number;
  cancelled: number;
  running: number;
  queued: number;
  cacheHits: number;
  items: BatchItemView[];
  offset: number;
  limit: number;
  /** The completion webhook's delivery, for a request with callbackUrl. */
  webhook?: WebhookState;
  createdAt?: string;
  updatedAt?: string;
}

/** The items page of `GET /api/batches/:id` without `?offset=&limit=`, and of a batch webhook's `data`. */
export const BATCH_PAGE_DEFAULT = { offset: 0, limit: 100 } as const;

/**
 * The contract's batch status, with items[offset, offset+limit): what `GET /api/batches/:id` answers (the API
 * passes its describe of the run) and a batch webhook's `data` (the workflow passes its own start time and now).
 */
export function batchView(p: BatchProgress, page: { offset: number; limit: number }, desc: { startTime: Date; closeTime?: Date }): BatchStatusView {
  const counts = { q: 0, r: 0, c: 0, f: 0, x: 0 } as Record<string, number>;
  for (const ch of p.items) counts[ch] = (counts[ch] ?? 0) + 1;
  const items: BatchItemView[] = [];
  const end = Math.min(p.items.length, page.offset + page.limit);
  for (let i = page.offset; i < end; i++) {
    const error = p.errors[i];
    items.push({ index: i, videoId: batchItemVideoId(p.batchId, i), status: STATE_NAME[p.items[i]!]!, ...(error ? { error: batchItemError(error) } : {}) });
  }
  return {
    id: p.batchId,
    status: p.status,
    total: p.items.length,
    completed: counts.c!,
    failed: counts.f!,
    cancelled: counts.x!,
    running: counts.r!,
    queued: counts.q!,
    cacheHits: p.cacheHits,
    items,
    offset: page.offset,
    limit: page.limit,
    ...(p.webhook ? { webhook: p.webhook } : {}),
    createdAt: desc.startTime.toISOString(),
    updatedAt: (desc.closeTime ?? new Date()).toISOString(),
  };
}
