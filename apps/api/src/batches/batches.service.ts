import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowNotFoundError, type WorkflowExecutionDescription } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { VidflowConfig } from '@vidflow/config';
import {
  BATCH_WORKFLOW,
  BatchRequestSchema,
  batchStatusQuery,
  batchView,
  describeIssues,
  ITEM_STATE,
  mergeOverDefaults,
  SEARCH_ATTRIBUTES,
  summarizeIssues,
  VideoRequestSchema,
  type BatchProgress,
  type BatchRequest,
  type BatchStatusView,
  type BatchWorkflowInput,
  type FieldIssue,
} from '@vidflow/contracts';
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, UnprocessableError, ValidationFailedError } from '../common/api-errors';
import { checkIdempotencyKey, idempotentId, requestHash, startOnce } from '../common/idempotency';
import { validate } from '../common/zod-validation';
import { CONFIG, TEMPORAL_CLIENT } from '../tokens';
import { rejectUnsupported } from '../videos/videos.service';

/** `bat-<uuid>` from the API, `bat-<schedule id>-<scheduled time>` from a schedule. */
const BATCH_ID = /^bat-[A-Za-z0-9._:-]{1,200}$/;
const QUERY_DEADLINE_MS = 3000;
/** Validation stops collecting after this many bad items: a 10,000-item batch with one typo repeated is one story. */
const MAX_REPORTED_ISSUES = 50;

export interface BatchLinks {
  self: string;
  retry: string;
}

@Injectable()
export class BatchesService {
  /** Finished batches never change; their state is kept instead of replaying their history again. */
  private readonly finished = new Map<string, { progress: BatchProgress; desc: WorkflowExecutionDescription }>();

  constructor(
    @Inject(CONFIG) private readonly config: VidflowConfig,
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
  ) {}

  /** Validates every item merged over the defaults, so a bad item is a 400 now, not a failed video later. */
  parse(body: unknown): BatchRequest {
    const batch = validate(BatchRequestSchema, body);
    const issues: FieldIssue[] = [];
    const unsupported: FieldIssue[] = [];
    for (let i = 0; i < batch.items.length && issues.length < MAX_REPORTED_ISSUES; i++) {
      const parsed = VideoRequestSchema.safeParse(mergeOverDefaults(batch.defaults, batch.items[i]!));
      if (!parsed.success) {
        for (const issue of describeIssues(parsed.error)) issues.push({ field: `items.${i}.${issue.field}`, message: issue.message });
        continue;
      }
      try {
        rejectUnsupported(parsed.data, { openai: this.config.openai !== undefined, privateMediaUrls: this.config.mediaDownload.allowPrivate });
      } catch (err) {
        if (!(err instanceof UnprocessableError)) throw err;
        for (const d of err.details ?? []) unsupported.push({ field: `items.${i}.${d.field}`, message: d.message });
      }
    }
    if (issues.length) throw new ValidationFailedError(`invalid batch: ${summarizeIssues(issues.slice(0, 5))}`, issues);
    if (unsupported.length) throw new UnprocessableError(summarizeIssues(unsupported.slice(0, 5)), unsupported);
    return batch;
  }

  async create(body: unknown, idempotencyKey?: string, scope = ''): Promise<{ id: string; status: 'queued'; total: number; links: BatchLinks }> {
    const key = checkIdempotencyKey(idempotencyKey);
    const request = this.parse(body);
    const id = key ? idempotentId('bat', scope, key) : `bat-${randomUUID()}`;
    const input = this.workflowInput(request);
    if (key) await startOnce(this.client, id, requestHash(body), (extra) => this.start(id, input, extra));
    else await this.start(id, input);
    return { id, status: 'queued', total: request.items.length, links: batchLinks(id) };
  }

  /** The input of a batch workflow; schedules store one of these as their action. */
  workflowInput(request: BatchRequest): BatchWorkflowInput {
    return {
      request,
      video: {
        ttsParallelism: this.config.ttsParallelism,
        renderTaskQueue: this.config.taskQueues.render,
        llmTaskQueue: this.config.taskQueues.llm,
        ioTaskQueue: this.config.taskQueues.io,
      },
    };
  }

  async get(id: string, page: { offset: number; limit: number }): Promise<BatchStatusView> {
    const { progress, desc } = await this.progress(id);
    return {
      ...batchView(progress, page),
      createdAt: desc.startTime.toISOString(),
      updatedAt: (desc.closeTime ?? new Date()).toISOString(),
    };
  }

  async cancel(id: string): Promise<{ id: string; status: 'running' }> {
    assertBatchId(id);
    const desc = await this.describe(id);
    if (desc.status.name !== 'RUNNING') throw new ConflictError(`batch ${id} is already ${desc.status.name.toLowerCase()}`);
    await this.client.workflow.getHandle(id).cancel();
    return { id, status: 'running' };
  }

  /** Re-runs only the failed items of a finished batch, under the same batch id and the same video ids. */
  async retry(id: string): Promise<{ id: string; status: 'queued'; retrying: number; links: BatchLinks }> {
    const { progress, desc } = await this.progress(id);
    if (desc.status.name === 'RUNNING') throw new ConflictError(`batch ${id} is still running; retry it once it has finished`);
    const failed = [...progress.items].filter((c) => c === ITEM_STATE.failed).length;
    if (failed === 0) throw new ConflictError(`batch ${id} has no failed items to retry`);
    const input = await this.originalInput(id, desc);
    const errors = Object.fromEntries(Object.entries(progress.errors).filter(([i]) => progress.items[Number(i)] !== ITEM_STATE.failed));
    const carry: BatchProgress = {
      ...progress,
      status: 'running',
      items: progress.items.replaceAll(ITEM_STATE.failed, ITEM_STATE.queued),
      errors,
    };
    this.finished.delete(id);
    await this.start(id, { ...input, carry });
    return { id, status: 'queued', retrying: failed, links: batchLinks(id) };
  }

  private async start(id: string, input: BatchWorkflowInput, extra: { memo?: Record<string, unknown> } = {}): Promise<void> {
    await this.client.workflow.start(BATCH_WORKFLOW, {
      workflowId: id,
      taskQueue: this.config.taskQueues.io,
      args: [input],
      typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.kind, value: 'batch' }],
      ...extra,
      memo: { ...extra.memo, total: input.request.items.length },
    });
  }

  private async progress(id: string): Promise<{ progress: BatchProgress; desc: WorkflowExecutionDescription }> {
    assertBatchId(id);
    const cached = this.finished.get(id);
    if (cached) return cached;
    const desc = await this.describe(id);
    const handle = this.client.workflow.getHandle(id);
    if (desc.status.name === 'COMPLETED') {
      const progress = (await handle.result()) as BatchProgress;
      this.finished.set(id, { progress, desc });
      return { progress, desc };
    }
    let progress: BatchProgress | undefined;
    try {
      // Running: the live state. Finished otherwise (failed, cancelled): the query replays the history.
      progress = await this.client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(batchStatusQuery));
    } catch {
      progress = undefined;
    }
    if (!progress) {
      // No worker has picked the batch up yet: everything is queued.
      const total = Number((await desc.memo)?.total ?? 0);
      return { progress: { batchId: id, status: 'queued', items: ITEM_STATE.queued.repeat(total), errors: {}, cacheHits: 0, runs: 0 }, desc };
    }
    const status = { RUNNING: progress.status, FAILED: 'failed', CANCELLED: 'cancelled', TERMINATED: 'cancelled', TIMED_OUT: 'failed' }[
      desc.status.name as string
    ] as BatchProgress['status'] | undefined;
    const result = { progress: { ...progress, status: status ?? progress.status }, desc };
    if (desc.status.name !== 'RUNNING') this.finished.set(id, result);
    return result;
  }

  /** The input the latest run started with, from the first event of its history. */
  private async originalInput(id: string, desc: WorkflowExecutionDescription): Promise<BatchWorkflowInput> {
    const history = await this.client.workflowService.getWorkflowExecutionHistory({
      namespace: this.config.temporal.namespace,
      execution: { workflowId: id, runId: desc.runId },
      maximumPageSize: 1,
    });
    const payload = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    if (!payload) throw new Error(`batch ${id}: its start event carries no input`);
    return defaultPayloadConverter.fromPayload<BatchWorkflowInput>(payload);
  }

  private async describe(id: string): Promise<WorkflowExecutionDescription> {
    try {
      return await this.client.workflow.getHandle(id).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new NotFoundError(`no batch with id ${id}`);
      throw err;
    }
  }
}

export function batchLinks(id: string): BatchLinks {
  return { self: `/api/batches/${id}`, retry: `/api/batches/${id}/retry` };
}

function assertBatchId(id: string): void {
  if (!BATCH_ID.test(id)) {
    throw new ValidationFailedError(`id: "${id}" is not a batch id (bat-...)`, [{ field: 'id', message: 'not a batch id' }]);
  }
}
