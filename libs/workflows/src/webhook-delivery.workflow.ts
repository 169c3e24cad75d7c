import { proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { IoActivities } from '@vidflow/activities';
import { type WebhookAttemptResult, type WebhookDeliveryInput, type WebhookState, webhookStatusQuery } from '@vidflow/contracts/workflow';

/** First wait after a failed attempt; it doubles up to MAX_WAIT_MS (5 s, 10 s, 20 s, … 1 h, 1 h, …). */
export const FIRST_RETRY_MS = 5_000;
export const MAX_WAIT_MS = 3_600_000;

// One attempt per activity execution and no retries by Temporal: this workflow counts the attempts for the
// status and waits the receiver's Retry-After, which a retry policy cannot do. The worker's keep-alive heartbeats
// show an attempt lost with its worker after 30 s; it counts as an attempt and the next one follows the backoff.
const { deliverWebhook } = proxyActivities<IoActivities>({
  startToCloseTimeout: '2m',
  heartbeatTimeout: '30s',
  retry: { maximumAttempts: 1 },
});

/**
 * Delivers one webhook event. Started by the video, batch and transcription workflows once their terminal status
 * is known, as a child they abandon: their own status never waits for a receiver, and the delivery (durable
 * timers between attempts) survives worker crashes and restarts. Retries go on for `retryHours` after the
 * first attempt; the answer to the `webhookStatus` query and the result are the delivery's state.
 */
export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<WebhookState> {
  const state: WebhookState = { status: 'pending', attempts: 0 };
  setHandler(webhookStatusQuery, () => ({ ...state }));
  const giveUpAt = Date.now() + input.retryHours * 3_600_000; // workflow Date.now(): deterministic task time
  for (;;) {
    state.attempts++;
    let result: WebhookAttemptResult;
    try {
      result = await deliverWebhook({ messageId: input.messageId, url: input.url, event: input.event, attempt: state.attempts });
    } catch (err) {
      // The activity itself never throws: this is an attempt that timed out or was lost with its worker.
      result = { outcome: 'retry', error: `attempt lost: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}` };
    }
    if (result.outcome === 'delivered') {
      state.status = 'delivered';
      delete state.lastError;
      state.deliveredAt = new Date(Date.now()).toISOString();
      return { ...state };
    }
    state.lastError = result.error;
    if (result.outcome === 'stop') {
      state.status = 'failed';
      return { ...state };
    }
    const wait = Math.max(Math.min(FIRST_RETRY_MS * 2 ** (state.attempts - 1), MAX_WAIT_MS), (result.retryAfterSeconds ?? 0) * 1000);
    if (Date.now() + wait > giveUpAt) {
      state.status = 'failed';
      state.lastError = `${result.error} (gave up after ${state.attempts} attempts within WEBHOOK_RETRY_HOURS=${input.retryHours})`;
      return { ...state };
    }
    await sleep(wait);
  }
}
