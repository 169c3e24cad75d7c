import { formatPercent, formatProgressBar } from '@vidflow/contracts';
import { formatTable } from './format-table';
import type { BatchStatusView } from '@vidflow/contracts';

// The contract's types (type-only: the CLI has no runtime dependency on the workspace libraries).
export type { BatchItemView, BatchStatusView } from '@vidflow/contracts';

/**
 * The overall line of a batch: finished items (completed + failed + cancelled) over the total.
 * `[######------------------------]  20%  10/50 done  running 5  queued 35  failed 1  cache hits 3`
 */
export function formatBatchProgress(b: BatchStatusView): string {
  const finished = b.completed + b.failed + b.cancelled;
  const fraction = b.total > 0 ? finished / b.total : 0;
  const parts = [
    `${formatProgressBar(fraction)} ${formatPercent(fraction)}`,
    `${finished}/${b.total} done`,
    `running ${b.running}`,
    `queued ${b.queued}`,
  ];
  if (b.failed) parts.push(`failed ${b.failed}`);
  if (b.cancelled) parts.push(`cancelled ${b.cancelled}`);
  parts.push(`cache hits ${b.cacheHits}`);
  return parts.join('  ');
}

/** Counts, then one row per item: index, video id, status, error. */
export function formatBatchSummary(b: BatchStatusView): string {
  const head =
    `batch ${b.id}: ${b.status}  total ${b.total}  completed ${b.completed}  failed ${b.failed}  ` +
    `cancelled ${b.cancelled}  running ${b.running}  queued ${b.queued}  cache hits ${b.cacheHits}`;
  const table = formatTable(
    ['index', 'videoId', 'status', 'error'],
    b.items.map((i) => [String(i.index), i.videoId, i.status, i.error ? `${i.error.stage ? `${i.error.stage}: ` : ''}${i.error.message} (${i.error.type})` : '']),
  );
  return `${head}\n${table}`;
}
