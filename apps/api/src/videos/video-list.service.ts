import { Inject, Injectable } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { VidflowConfig } from '@vidflow/config';
import { SEARCH_ATTRIBUTES, type RunStatus } from '@vidflow/contracts';
import { z } from 'zod';
import { ValidationFailedError } from '../common/api-errors';
import { validate } from '../common/zod-validation';
import { CONFIG, TEMPORAL_CLIENT } from '../tokens';
import { links } from './videos.service';

export const ListQuerySchema = z.strictObject({
  status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(4096).optional(),
  batchId: z.string().regex(/^bat-[A-Za-z0-9._:-]{1,200}$/).optional(),
});

/** Temporal's ExecutionStatus names for each of our statuses (queued and running are both Running there). */
const EXECUTION_STATUS: Record<RunStatus, string[]> = {
  queued: ['Running'],
  running: ['Running'],
  completed: ['Completed'],
  failed: ['Failed', 'TimedOut', 'Terminated'],
  cancelled: ['Canceled'],
};
const STATUS_OF: Record<number, RunStatus> = {
  [temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING]: 'running',
  [temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED]: 'completed',
  [temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED]: 'failed',
  [temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT]: 'failed',
  [temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED]: 'failed',
  [temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED]: 'cancelled',
};

export interface VideoListItem {
  id: string;
  status: RunStatus;
  stage?: string;
  batchId?: string;
  createdAt?: string;
  updatedAt?: string;
  links: ReturnType<typeof links>;
}

/**
 * `GET /api/videos`: served from Temporal visibility (the search attributes every video carries),
 * one request per page however many videos there are; no workflow is queried or replayed.
 */
@Injectable()
export class VideoListService {
  constructor(
    @Inject(CONFIG) private readonly config: VidflowConfig,
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
  ) {}

  async list(query: unknown): Promise<{ items: VideoListItem[]; nextCursor: string | null }> {
    const q = validate(ListQuerySchema, query, 'query');
    const clauses = [`${SEARCH_ATTRIBUTES.kind.name} = 'video'`];
    if (q.status) clauses.push(`ExecutionStatus IN (${EXECUTION_STATUS[q.status].map((s) => `'${s}'`).join(', ')})`);
    if (q.batchId) clauses.push(`${SEARCH_ATTRIBUTES.batchId.name} = '${q.batchId}'`);
    const res = await this.client.workflowService.listWorkflowExecutions({
      namespace: this.config.temporal.namespace,
      query: clauses.join(' AND '),
      pageSize: q.limit,
      nextPageToken: q.cursor ? decodeCursor(q.cursor) : undefined,
    });
    const items = (res.executions ?? []).map((e): VideoListItem => {
      const id = e.execution?.workflowId ?? '';
      const attrs = e.searchAttributes?.indexedFields ?? {};
      const keyword = (name: string) => {
        const payload = attrs[name];
        if (!payload) return undefined;
        const value = defaultPayloadConverter.fromPayload<unknown>(payload);
        return Array.isArray(value) ? String(value[0]) : typeof value === 'string' ? value : undefined;
      };
      return {
        id,
        status: STATUS_OF[e.status ?? 0] ?? 'running',
        stage: keyword(SEARCH_ATTRIBUTES.stage.name),
        batchId: keyword(SEARCH_ATTRIBUTES.batchId.name),
        createdAt: timestamp(e.startTime),
        updatedAt: timestamp(e.closeTime) ?? timestamp(e.startTime),
        links: links(id),
      };
    });
    const token = res.nextPageToken;
    return { items, nextCursor: token && token.length ? Buffer.from(token).toString('base64url') : null };
  }
}

function decodeCursor(cursor: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new ValidationFailedError('cursor: not a cursor from a previous page', [{ field: 'cursor', message: 'not a cursor from a previous page' }]);
  }
  return Buffer.from(cursor, 'base64url');
}

function timestamp(t: { seconds?: unknown; nanos?: number | null } | null | undefined): string | undefined {
  if (!t || t.seconds == null) return undefined;
  return new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString();
}
