import { ITEM_STATE, type BatchProgress } from '@vidflow/contracts';

/** Items a closed run left queued or running. */
const UNFINISHED_ITEM = new RegExp(`[${ITEM_STATE.queued}${ITEM_STATE.running}]`, 'g');

/**
 * A batch's state under Temporal's execution status. The rule for runs closed from outside, the same as for
 * videos: terminated (`temporal workflow terminate`, the Web UI) or timed out reads `failed`. Such a run never
 * ran its own ending, so its replayed state still shows items running or queued: the running ones were cancelled
 * by the close (the children's parent-close policy is REQUEST_CANCEL, so their videos read `cancelled`), and the
 * queued ones never start; both read `cancelled`, as the items a stopOnError batch skips do.
 */
export function closedBatchProgress(progress: BatchProgress, executionStatus: string): BatchProgress {
  if (executionStatus === 'RUNNING') return progress;
  if (executionStatus === 'TERMINATED' || executionStatus === 'TIMED_OUT') {
    return { ...progress, status: 'failed', items: progress.items.replace(UNFINISHED_ITEM, ITEM_STATE.cancelled) };
  }
  const status = ({ FAILED: 'failed', CANCELLED: 'cancelled', COMPLETED: 'completed' } as const)[executionStatus as 'FAILED'];
  return { ...progress, status: status ?? progress.status };
}
