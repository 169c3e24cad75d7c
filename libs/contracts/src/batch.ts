import { z } from 'zod';
import { VideoRequestSchema, type VideoRequest } from './video-request.schema';
import { batchItemError, batchItemVideoId, type BatchProgress } from './batch-progress';
import type { RunStatus, VideoError } from './video-status';

export const BATCH_WORKFLOW = 'batchWorkflow';
export const MAX_BATCH_ITEMS = 10_000;

const plainObject = z.record(z.string(), z.unknown());

/** The shape of `POST /api/batches`; each item is checked against VideoRequestSchema after merging. */
export const BatchRequestSchema = z.strictObject({
  items: z.array(plainObject).min(1).max(MAX_BATCH_ITEMS),
  defaults: plainObject.default(() => ({})),
  maxConcurrent: z.number().int().min(1).max(50).default(5),
  stopOnError: z.boolean().default(false),
});
export type BatchRequestInput = z.input<typeof BatchRequestSchema>;
export type BatchRequest = z.output<typeof BatchRequestSchema>;

/**
 * An item over the batch's defaults: objects merge key by key (so `defaults.render.aspect` survives an
 * item's `render.captions`), anything else (strings, arrays such as `scenes`) is replaced by the item.
 */
export function mergeOverDefaults(defaults: Record<string, unknown>, item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(item)) {
    const base = out[key];
    out[key] = isPlainObject(base) && isPlainObject(value) ? mergeOverDefaults(base, value) : value;
  }
  return out;
}

/** The item at `index` as the video workflow receives it. Pure and deterministic: used inside the batch workflow. */
export function batchItemRequest(batch: Pick<BatchRequest, 'defaults' | 'items'>, index: number): VideoRequest {
  return VideoRequestSchema.parse(mergeOverDefaults(batch.defaults, batch.items[index]!));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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
  createdAt?: string;
  updatedAt?: string;
}

/** The contract's batch status, with items[offset, offset+limit). */
export function batchView(p: BatchProgress, page: { offset: number; limit: number }): Omit<BatchStatusView, 'createdAt' | 'updatedAt'> {
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
  };
}
