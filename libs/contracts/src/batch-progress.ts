import { defineQuery } from '@temporalio/workflow';
import type { BatchRequest } from './batch';
import type { RunStatus, VideoError } from './video-status';
import type { VideoRunSettings } from './video-workflow-input';

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
