import { Inject, Injectable } from '@nestjs/common';
import type { VidflowConfig } from '@vidflow/config';
import {
  BatchRequestSchema,
  batchView,
  describeIssues,
  ITEM_STATE,
  mergeOverDefaults,
  summarizeIssues,
  VideoRequestSchema,
  videoRunSettings,
  type BatchProgress,
  type BatchRequest,
  type BatchStatusView,
  type BatchWorkflowInput,
  type FieldIssue,
} from '@vidflow/contracts';
import { randomUUID } from 'node:crypto';
import { ConflictError, UnprocessableError, ValidationFailedError } from '../common/api-errors';
import { checkIdempotencyKey, requestHash } from '../common/idempotency';
import { policyAvailability, requestPolicyIssues } from '../common/request-policy';
import { VoicesService } from '../voices/voices.service';
import { validate } from '../common/zod-validation';
import { TemporalGateway, type RunInfo } from '../temporal/temporal-gateway';
import { assertBatchId, idempotentId } from '../temporal/workflow-ids';
import { CONFIG } from '../tokens';
import { WebhooksService } from '../webhooks/webhooks.service';
import { closedBatchProgress } from './closed-batch-progress';

/** Validation stops collecting after this many bad items: a 10,000-item batch with one typo repeated is one story. */
const MAX_REPORTED_ISSUES = 50;

export interface BatchLinks {
  self: string;
  retry: string;
}

@Injectable()
export class BatchesService {
  /**
   * Finished runs never change; their state is kept, by `<id>/<run id>`, instead of replaying their history
   * again. A retry or a `temporal workflow reset` makes a new run under the id, which one describe tells.
   */
  private readonly finished = new Map<string, { progress: BatchProgress; desc: RunInfo }>();

  constructor(
    @Inject(CONFIG) private readonly config: VidflowConfig,
    private readonly temporal: TemporalGateway,
    private readonly voices: VoicesService,
    private readonly webhooks: WebhooksService,
  ) {}

  /** Validates every item merged over the defaults, so a bad item is a 400 now, not a failed video later. */
  parse(body: unknown): BatchRequest {
    const batch = validate(BatchRequestSchema, body);
    const issues: FieldIssue[] = [];
    const available = policyAvailability(this.config, this.voices.current());
    const unsupported: FieldIssue[] = [];
    for (let i = 0; i < batch.items.length && issues.length < MAX_REPORTED_ISSUES; i++) {
      const parsed = VideoRequestSchema.safeParse(mergeOverDefaults(batch.defaults, batch.items[i]!));
      if (!parsed.success) {
        for (const issue of describeIssues(parsed.error)) issues.push({ field: `items.${i}.${issue.field}`, message: issue.message });
        continue;
      }
      for (const d of requestPolicyIssues(parsed.data, available)) unsupported.push({ field: `items.${i}.${d.field}`, message: d.message });
    }
    if (issues.length) throw new ValidationFailedError(`invalid batch: ${summarizeIssues(issues.slice(0, 5))}`, issues);
    const callback = batch.callbackUrl ? this.webhooks.callbackProblem(batch.callbackUrl) : undefined;
    if (callback) unsupported.unshift({ field: 'callbackUrl', message: callback });
    if (unsupported.length) throw new UnprocessableError(summarizeIssues(unsupported.slice(0, 5)), unsupported);
    return batch;
  }

  async create(body: unknown, idempotencyKey?: string, scope = ''): Promise<{ id: string; status: 'queued'; total: number; links: BatchLinks }> {
    const key = checkIdempotencyKey(idempotencyKey);
    const request = this.parse(body);
    const id = key ? idempotentId('bat', scope, key) : `bat-${randomUUID()}`;
    const input = this.workflowInput(request);
    const started = await this.temporal.startBatch(id, input, key ? { kind: 'idempotent', requestHash: requestHash(body) } : { kind: 'new' });
    if (started === 'key-conflict') throw new ConflictError('Idempotency-Key was already used with a different request body');
    return { id, status: 'queued', total: request.items.length, links: batchLinks(id) };
  }

  /** The input of a batch workflow; schedules store one of these as their action. */
  workflowInput(request: BatchRequest): BatchWorkflowInput {
    return { request, video: videoRunSettings(this.config) };
  }

  async get(id: string, page: { offset: number; limit: number }): Promise<BatchStatusView> {
    const { progress, desc } = await this.progress(id);
    const view = batchView(progress, page, desc);
    // The run records only that it started the delivery; how it is going is the delivery workflow's.
    return view.webhook ? { ...view, webhook: await this.webhooks.state(id, view.webhook) } : view;
  }

  async cancel(id: string): Promise<{ id: string; status: 'running' }> {
    assertBatchId(id);
    const desc = await this.temporal.describe('batch', id);
    if (desc.status !== 'RUNNING') throw new ConflictError(`batch ${id} is already ${desc.status.toLowerCase()}`);
    await this.temporal.cancel(id);
    return { id, status: 'running' };
  }

  /** Re-runs only the failed items of a finished batch, under the same batch id and the same video ids. */
  async retry(id: string): Promise<{ id: string; status: 'queued'; retrying: number; links: BatchLinks }> {
    const { progress, desc } = await this.progress(id);
    if (desc.status === 'RUNNING') throw new ConflictError(`batch ${id} is still running; retry it once it has finished`);
    const failed = [...progress.items].filter((c) => c === ITEM_STATE.failed).length;
    if (failed === 0) throw new ConflictError(`batch ${id} has no failed items to retry`);
    // The input the latest run started with (a continued-as-new run's carries the state so far; it is replaced).
    const input = await this.temporal.startInput<BatchWorkflowInput>(id, desc.runId);
    const errors = Object.fromEntries(Object.entries(progress.errors).filter(([i]) => progress.items[Number(i)] !== ITEM_STATE.failed));
    const carry: BatchProgress = {
      ...progress,
      status: 'running',
      items: progress.items.replaceAll(ITEM_STATE.failed, ITEM_STATE.queued),
      errors,
    };
    await this.temporal.startBatch(id, { ...input, carry });
    return { id, status: 'queued', retrying: failed, links: batchLinks(id) };
  }

  private async progress(id: string): Promise<{ progress: BatchProgress; desc: RunInfo }> {
    assertBatchId(id);
    const desc = await this.temporal.describe('batch', id);
    const runKey = `${id}/${desc.runId}`;
    const cached = this.finished.get(runKey);
    if (cached) return cached;
    if (desc.status === 'COMPLETED') {
      const progress = await this.temporal.result<BatchProgress>(id);
      this.finished.set(runKey, { progress, desc });
      return { progress, desc };
    }
    // Running: the live state. Finished otherwise (failed, cancelled): the query replays the history.
    const progress = await this.temporal.queryBatch(id);
    if (!progress) {
      // No worker has picked the batch up yet: everything is queued.
      const total = Number((await desc.memo())?.total ?? 0);
      return { progress: { batchId: id, status: 'queued', items: ITEM_STATE.queued.repeat(total), errors: {}, cacheHits: 0, runs: 0 }, desc };
    }
    const result = { progress: closedBatchProgress(progress, desc.status), desc };
    if (desc.status !== 'RUNNING') this.finished.set(runKey, result);
    return result;
  }
}

export function batchLinks(id: string): BatchLinks {
  return { self: `/api/batches/${id}`, retry: `/api/batches/${id}/retry` };
}

