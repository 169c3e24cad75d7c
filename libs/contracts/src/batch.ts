import { z } from 'zod';
import { VideoRequestSchema, type VideoRequest } from './video-request.schema';
import { CallbackUrlSchema } from './callback-url.schema';

export const BATCH_WORKFLOW = 'batchWorkflow';
export const MAX_BATCH_ITEMS = 10_000;

const plainObject = z.record(z.string(), z.unknown());

/** The shape of `POST /api/batches`; each item is checked against VideoRequestSchema after merging. */
export const BatchRequestSchema = z.strictObject({
  items: z.array(plainObject).min(1).max(MAX_BATCH_ITEMS),
  defaults: plainObject.default(() => ({})),
  maxConcurrent: z.number().int().min(1).max(50).default(5),
  stopOnError: z.boolean().default(false),
  /** Where the batch's completion webhook goes (API.md "Webhooks"); items keep their own `callbackUrl`. */
  callbackUrl: CallbackUrlSchema.optional(),
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
