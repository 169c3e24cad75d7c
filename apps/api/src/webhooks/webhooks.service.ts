import { Inject, Injectable } from '@nestjs/common';
import type { VidflowConfig } from '@vidflow/config';
import { callbackUrlProblem, WebhookTestRequestSchema, type WebhookState } from '@vidflow/contracts';
import { randomUUID } from 'node:crypto';
import { UnprocessableError } from '../common/api-errors';
import { remember } from '../common/remember';
import { validate } from '../common/zod-validation';
import { TemporalGateway } from '../temporal/temporal-gateway';
import { CONFIG } from '../tokens';

/** How long `POST /api/webhooks/test` waits past the attempt timeout for the delivery workflow to report. */
const PING_MARGIN_MS = 5000;

/** Webhook deliveries as seen from the API: their state in statuses, and the test ping. */
@Injectable()
export class WebhooksService {
  /** Deliveries that ended (delivered or given up), by subject id: a closed delivery never changes. */
  private readonly ended = new Map<string, WebhookState>();

  constructor(
    @Inject(CONFIG) private readonly config: VidflowConfig,
    private readonly temporal: TemporalGateway,
  ) {}

  /**
   * The delivery state of the webhook of `subjectId`, whose run has started one (its status says `webhook`).
   * Until the delivery workflow answers (it is being started, or no worker answers its query) it is `known`.
   */
  async state(subjectId: string, known: WebhookState): Promise<WebhookState> {
    const ended = this.ended.get(subjectId);
    if (ended) return ended;
    const read = await this.temporal.webhookState(subjectId);
    if (!read) return known;
    if (read.final) remember(this.ended, subjectId, read.state);
    return read.state;
  }

  /** Refusals of a callbackUrl by this deployment's rules (WEBHOOK_ALLOW_PRIVATE_URLS), for request policies. */
  callbackProblem(url: string): string | undefined {
    return callbackUrlProblem(url, this.config.webhooks.allowPrivate);
  }

  /** Sends a signed `ping` to `url` once (no retries) and answers what the attempt found. */
  async test(body: unknown): Promise<{ webhookId: string; url: string; webhook: WebhookState }> {
    const { url } = validate(WebhookTestRequestSchema, body);
    const problem = this.callbackProblem(url);
    if (problem) throw new UnprocessableError(`url: ${problem}`, [{ field: 'url', message: problem }]);
    const id = `ping-${randomUUID()}`;
    const webhookId = `msg_${id}`;
    const webhook = await this.temporal.deliverOnce(
      `whk-${id}`,
      { messageId: webhookId, url, event: { type: 'ping', timestamp: new Date().toISOString(), data: { message: 'vidflow webhook test' } }, retryHours: 0 },
      this.config.webhooks.timeoutSeconds * 1000 + PING_MARGIN_MS,
    );
    return { webhookId, url, webhook };
  }
}
