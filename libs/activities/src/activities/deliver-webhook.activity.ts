import { log } from '@temporalio/activity';
import type { WebhookAttemptInput, WebhookAttemptResult } from '@vidflow/contracts';
import type { ActivityDeps } from '../activity-deps';
import { sendWebhook, type WebhookSettings } from '../adapters/webhook/send-webhook';

/** Without a config (tests, tools): unsigned, private addresses refused. */
export const DEFAULT_WEBHOOKS: WebhookSettings = { secrets: [], timeoutSeconds: 15, allowPrivate: false, retryHours: 24 };

/**
 * One attempt at delivering a webhook. It answers what happened instead of throwing, because the delivery
 * workflow decides the waits itself (the receiver's Retry-After, WEBHOOK_RETRY_HOURS) and counts the attempts
 * for the status; the body is the same bytes on every attempt, only `webhook-timestamp` and the signature change.
 */
export function makeDeliverWebhook(deps: ActivityDeps) {
  const settings = deps.webhooks ?? DEFAULT_WEBHOOKS;
  let warned = false;
  return async function deliverWebhook(input: WebhookAttemptInput): Promise<WebhookAttemptResult> {
    if (settings.secrets.length === 0 && !warned) {
      warned = true;
      log.warn('WEBHOOK_SECRET is not set: webhooks are sent without a signature');
    }
    // Named one by one: `secrets` is non-enumerable in the config (kept out of logs), so a spread would drop it.
    const result = await sendWebhook({
      secrets: settings.secrets,
      timeoutSeconds: settings.timeoutSeconds,
      allowPrivate: settings.allowPrivate,
      retryHours: settings.retryHours,
      url: input.url, messageId: input.messageId, body: JSON.stringify(input.event),
    });
    log.info('webhook attempt', { messageId: input.messageId, attempt: input.attempt, outcome: result.outcome, ...(result.outcome !== 'delivered' ? { error: result.error } : {}) });
    return result;
  };
}
