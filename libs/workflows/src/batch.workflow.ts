import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ChildWorkflowCancellationType,
  condition,
  continueAsNew,
  isCancellation,
  ParentClosePolicy,
  patched,
  setHandler,
  startChild,
  TerminatedFailure,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import type { BatchRequest, Stage, VideoError, VideoRequest } from '@vidflow/contracts';
import {
  BATCH_PAGE_DEFAULT,
  batchItemVideoId,
  batchStatusQuery,
  batchView,
  ITEM_STATE,
  SEARCH_ATTRIBUTES,
  type BatchProgress,
  type BatchWorkflowInput,
  type VideoProgress,
  videoWorkflowInput,
} from '@vidflow/contracts/workflow';
import { announceCompletion } from './announce-completion';
import { rootCause } from './root-cause';
import { videoWorkflow } from './video.workflow';

/** Well under Temporal's 51,200-event limit; each item costs about a dozen events in this run. */
const DEFAULT_HISTORY_LIMIT = 10_000;
const MAX_ERROR_LENGTH = 300;
/** A batch cancelled after its last item started ends cancelled (it completed before this patch). */
const CANCEL_AFTER_ALL_STARTED_PATCH = 'batch-cancelled-after-all-started';

/**
 * A batch: one child video workflow per item, at most `maxConcurrent` at once, started in submission
 * order (a sliding window). With `stopOnError` the first failure cancels the running items and skips
 * the rest. Long batches continue as new whenever the history grows past `historyLimit`, carrying the
 * per-item state (one character per item), so 10,000 items never hit Temporal's history limits.
 */
export async function batchWorkflow(input: BatchWorkflowInput): Promise<BatchProgress> {
  // The workflow id is the batch id: the API chooses `bat-<uuid>`, a schedule `bat-<schedule>-<time>`.
  const batchId = workflowInfo().workflowId;
  const { request } = input;
  const total = request.items.length;
  const state: BatchProgress = input.carry
    ? { ...input.carry, status: 'running' }
    : { batchId, status: 'running', items: ITEM_STATE.queued.repeat(total), errors: {}, cacheHits: 0, runs: 0 };
  // A retry carries a finished run's state: its delivery was that run's; this run announces its own.
  delete state.webhook;
  setHandler(batchStatusQuery, () => state);

  /** The terminal status, then its completion webhook (see announceCompletion); not at each run of a chain. */
  // The status query turns terminal only together with the delivery's state: starting the delivery takes a
  // workflow task, and a reader who saw `completed` in between would see no webhook at all.
  const end = async (status: 'completed' | 'failed' | 'cancelled') => {
    const webhook = await announceCompletion({
      subjectId: batchId,
      callbackUrl: request.callbackUrl,
      type: `batch.${status}`,
      retryHours: input.video.webhookRetryHours,
      // The status GET /api/batches/:id answers without ?offset=&limit= (the first page of items).
      data: (desc) => batchView({ ...state, status }, BATCH_PAGE_DEFAULT, desc),
    });
    state.status = status;
    if (webhook) state.webhook = webhook;
  };

  const items = state.items.split('');
  const sync = () => (state.items = items.join(''));
  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  let running = 0;
  let stopping = false;
  let failedOnce = false;
  const children = new CancellationScope();

  const runItem = async (index: number) => {
    items[index] = ITEM_STATE.running;
    sync();
    running++;
    try {
      const handle = await startChild(videoWorkflow, {
        workflowId: batchItemVideoId(batchId, index),
        taskQueue: input.video.ioTaskQueue,
        args: [videoWorkflowInput(batchItemVideoId(batchId, index), itemRequest(request, index), input.video)],
        // Cancelling an item waits until its render has really stopped; closing the batch cancels it too.
        cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        typedSearchAttributes: [
          { key: SEARCH_ATTRIBUTES.kind, value: 'video' },
          { key: SEARCH_ATTRIBUTES.stage, value: 'script' },
          { key: SEARCH_ATTRIBUTES.batchId, value: batchId },
        ],
      });
      const result: VideoProgress = await handle.result();
      items[index] = ITEM_STATE.completed;
      if (result.cacheHit) state.cacheHits++;
    } catch (err) {
      if (isCancellation(err) || (stopping && isCancellation(rootCause(err)))) {
        items[index] = ITEM_STATE.cancelled;
      } else {
        items[index] = ITEM_STATE.failed;
        state.errors[index] = itemError(err);
        if (request.stopOnError && !failedOnce) {
          failedOnce = true;
          stopping = true;
          children.cancel();
        }
      }
    } finally {
      running--;
      sync();
    }
  };

  const inFlight: Array<Promise<void>> = [];
  let cursor = 0;
  const nextQueued = () => {
    while (cursor < total && items[cursor] !== ITEM_STATE.queued) cursor++;
    return cursor < total ? cursor : -1;
  };
  const historyFull = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= historyLimit;

  try {
    await children.run(async () => {
      for (;;) {
        await condition(() => stopping || running < request.maxConcurrent);
        const index = stopping || historyFull() ? -1 : nextQueued();
        if (index < 0) break;
        // Mark before starting so nextQueued() moves on even while startChild is in flight.
        items[index] = ITEM_STATE.running;
        inFlight.push(runItem(index));
      }
      await Promise.all(inFlight);
    });
  } catch (err) {
    if (!isCancellation(err)) throw err;
    if (!stopping) {
      // The batch itself was cancelled: the scope's children were cancelled with it; wait for them.
      await CancellationScope.nonCancellable(() => Promise.all(inFlight));
      markQueued(items, ITEM_STATE.cancelled);
      sync();
      await end('cancelled');
      throw err;
    }
  }
  await Promise.all(inFlight);
  // Cancelled once every item had started, no wait of the window saw the cancel: the running items did (each reads
  // cancelled) and the run went on to complete. It ends cancelled now; closed runs that completed replay unchanged.
  if (!stopping && CancellationScope.current().consideredCancelled && patched(CANCEL_AFTER_ALL_STARTED_PATCH)) {
    markQueued(items, ITEM_STATE.cancelled);
    sync();
    await end('cancelled');
    throw new CancelledFailure('the batch was cancelled');
  }

  if (stopping) {
    markQueued(items, ITEM_STATE.cancelled);
    sync();
    await end('failed');
    throw ApplicationFailure.create({
      type: 'BatchFailed',
      message: `item failed and stopOnError is set: ${firstErrorMessage(state)}`,
      nonRetryable: true,
    });
  }
  if (nextQueued() >= 0) {
    // History is full but items remain: start a fresh run with the state so far (no child is running).
    await continueAsNew<typeof batchWorkflow>({ ...input, carry: { ...state, runs: state.runs + 1 } });
  }
  await end('completed');
  return state;
}

function markQueued(items: string[], to: string): void {
  for (let i = 0; i < items.length; i++) if (items[i] === ITEM_STATE.queued) items[i] = to;
}

/**
 * A failed item's error, as a video's: the video workflow fails with its root cause's type and message and the
 * stage in its details (ChildWorkflowFailure -> that ApplicationFailure). Only the state's data changes with
 * this shape, not the workflow's commands: no patch is needed for runs in flight.
 */
function itemError(err: unknown): VideoError {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const message = (cause instanceof Error ? cause.message : String(cause)).slice(0, MAX_ERROR_LENGTH);
  // Closed from outside (an operator's terminate, an execution timeout): named as the API names a video's.
  if (cause instanceof TerminatedFailure) return { type: 'Terminated', message };
  if (cause instanceof TimeoutFailure) return { type: 'TimedOut', message };
  if (!(cause instanceof ApplicationFailure)) return { type: cause instanceof Error ? cause.name : 'Error', message };
  const stage = (cause.details?.[0] as { stage?: Stage } | undefined)?.stage;
  return { type: cause.type ?? 'Error', message, ...(stage ? { stage } : {}) };
}

function firstErrorMessage(state: BatchProgress): string {
  const first = Object.values(state.errors)[0];
  return first === undefined ? 'unknown error' : typeof first === 'string' ? first : first.message;
}

/**
 * The item over the batch's defaults, checked and completed by the request schema (pure: the same on replay).
 * The schema (zod) is required here, when the first item starts, not at the top of the file: every workflow run
 * evaluates the modules it requires (see libs/contracts/src/workflow.ts), and video runs have no use for it.
 */
function itemRequest(batch: Pick<BatchRequest, 'defaults' | 'items'>, index: number): VideoRequest {
  // eslint-disable-next-line @typescript-eslint/no-require-imports, no-restricted-globals -- webpack bundles this require; lazy on purpose, see above
  const { batchItemRequest } = require('@vidflow/contracts') as typeof import('@vidflow/contracts');
  return batchItemRequest(batch, index);
}
