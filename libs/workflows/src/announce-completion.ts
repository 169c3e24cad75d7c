import { CancellationScope, log, ParentClosePolicy, patched, startChild, WorkflowIdReusePolicy, workflowInfo } from '@temporalio/workflow';
import { WEBHOOK_WORKFLOW, type WebhookDeliveryInput, type WebhookEventType, type WebhookState, webhookWorkflowId } from '@vidflow/contracts/workflow';

/**
 * The patch of the completion webhook. Only runs whose request has a callbackUrl call patched(), so runs from
 * before webhooks (and runs without one) replay without the marker; a transcription that asked for a callbackUrl
 * before transcriptions delivered any replays its old path (no delivery) when the marker is absent.
 */
export const WEBHOOK_PATCH = 'webhook-delivery';

export interface Announcement {
  /** The id of the run's subject (vid-…, bat-…, trn-…): the delivery workflow is `whk-<subjectId>`. */
  subjectId: string;
  /** request.callbackUrl: nothing is announced without one. */
  callbackUrl: string | undefined;
  type: Exclude<WebhookEventType, 'ping'>;
  /** WEBHOOK_RETRY_HOURS as the run's input carries it; 24 when absent. */
  retryHours: number | undefined;
  /**
   * The event's `data`: the status object the REST API returns for the subject, given the run's times as the API's
   * describe of the closed run has them (the start event's time, and now as the close).
   */
  data: (run: { startTime: Date; closeTime: Date }) => unknown;
}

/**
 * The completion webhook of the video, batch and transcription workflows, once their terminal status is known: a
 * delivery workflow started as an abandoned child, so the run closes (and its subject reads terminal) at once
 * while the delivery retries for hours if it must. Started in a non-cancellable scope: a cancelled run announces
 * `<kind>.cancelled` too. Answers the delivery state to show in the run's status (`pending`), or undefined when
 * no delivery was started.
 */
export function announceCompletion(a: Announcement): Promise<WebhookState | undefined> {
  return CancellationScope.nonCancellable(async () => {
    if (!a.callbackUrl || !patched(WEBHOOK_PATCH)) return undefined;
    const at = new Date(Date.now()); // workflow Date.now() is the deterministic workflow-task time
    const delivery: WebhookDeliveryInput = {
      // The run id makes it one id per event: a reset's (or a batch retry's) new run announces a new event.
      messageId: `msg_${a.subjectId}_${workflowInfo().runId}`,
      url: a.callbackUrl,
      event: { type: a.type, timestamp: at.toISOString(), data: a.data({ startTime: workflowInfo().startTime, closeTime: at }) },
      retryHours: a.retryHours ?? 24,
    };
    try {
      await startChild(WEBHOOK_WORKFLOW, {
        workflowId: webhookWorkflowId(a.subjectId),
        args: [delivery],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      });
      return { status: 'pending', attempts: 0 };
    } catch (err) {
      // Only when an earlier run's delivery under this id is still retrying (a reset, a retry): that one stays.
      log.warn('webhook delivery not started', { subjectId: a.subjectId, error: (err as Error).message });
      return undefined;
    }
  });
}
