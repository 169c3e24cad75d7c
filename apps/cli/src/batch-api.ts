import type { ApiClient } from './api-client';
import { RunFailedError } from './api-error';
import { printJson, printLine, type CommandContext } from './command';
import { formatBatchProgress, formatBatchSummary, type BatchItemView, type BatchStatusView } from './format-batch';
import { isTerminalStatus } from '@vidflow/contracts';
import { pollUntil } from './follow-video';
import { ProgressDisplay } from './progress-display';

/** Items per page when collecting a whole batch's items for the summary. */
const PAGE = 1000;

/**
 * A batch with every item: the API pages items (`?offset=&limit=`), so this follows the pages until it
 * has `total` items or a page adds nothing new (a server that caps `limit` lower still works).
 */
export async function getBatchWithAllItems(api: ApiClient, id: string): Promise<BatchStatusView> {
  const page = (offset: number, limit: number) =>
    api.call(api.typed.GET('/api/batches/{id}', { params: { path: { id }, query: { offset, limit } } }));
  const first = await page(0, PAGE);
  const items = new Map<number, BatchItemView>(first.items.map((i) => [i.index, i]));
  let offset = first.items.length;
  while (items.size < first.total && offset < first.total) {
    const next = await page(offset, PAGE);
    const before = items.size;
    for (const i of next.items) items.set(i.index, i);
    if (items.size === before) break;
    offset += next.items.length;
  }
  return { ...first, items: [...items.values()].sort((a, b) => a.index - b.index) };
}

/** Prints a batch: counts and the per-item table, or JSON. */
export function reportBatch(ctx: CommandContext, batch: BatchStatusView): number {
  if (ctx.json) printJson(ctx.io, batch);
  else printLine(ctx.io, formatBatchSummary(batch));
  return 0;
}

/** Follows a batch with one overall progress line until it ends, then prints the per-item summary. */
export async function followBatch(ctx: CommandContext, id: string): Promise<BatchStatusView> {
  const display = new ProgressDisplay(ctx.io.stdout);
  try {
    await pollUntil({
      ctx,
      // One item is enough for the counts; the items come once, at the end.
      fetchOnce: () => ctx.api.call(ctx.api.typed.GET('/api/batches/{id}', { params: { path: { id }, query: { offset: 0, limit: 1 } } })),
      onUpdate: (b) => {
        if (!ctx.json) display.update(formatBatchProgress(b));
      },
      done: (b) => isTerminalStatus(b.status),
    });
  } finally {
    display.done();
  }
  const batch = await getBatchWithAllItems(ctx.api, id);
  reportBatch(ctx, batch);
  if (batch.status !== 'completed' || batch.failed > 0 || batch.cancelled > 0) {
    throw new RunFailedError(`batch ${id} ${batch.status}: ${batch.failed} failed, ${batch.cancelled} cancelled of ${batch.total}`);
  }
  return batch;
}
