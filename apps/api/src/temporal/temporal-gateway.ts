import { Inject, Injectable } from '@nestjs/common';
import {
  Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  WorkflowExecutionAlreadyStartedError,
  WorkflowContinuedAsNewError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type ScheduleDescription,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, defaultPayloadConverter, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { VidflowConfig } from '@vidflow/config';
import {
  BATCH_WORKFLOW,
  batchStatusQuery,
  PROBE_MEDIA_WORKFLOW,
  UNSUPPORTED_MEDIA,
  type ProbeMediaInput,
  type SniffedMedia,
  SEARCH_ATTRIBUTES,
  TRANSCRIPTION_WORKFLOW,
  transcriptionStatusQuery,
  VIDEO_WORKFLOW,
  videoStatusQuery,
  WEBHOOK_WORKFLOW,
  webhookStatusQuery,
  webhookWorkflowId,
  type WebhookDeliveryInput,
  type WebhookState,
  type BatchProgress,
  type BatchWorkflowInput,
  type RenderHeartbeat,
  type RunStatus,
  type Stage,
  type TranscriptionProgress,
  type TranscriptionWorkflowInput,
  type VideoProgress,
  type VideoWorkflowInput,
} from '@vidflow/contracts';
import { NotFoundError, UnsupportedMediaError } from '../common/api-errors';
import { randomUUID } from 'node:crypto';
import { CONFIG, TEMPORAL_CLIENT } from '../tokens';
import { isGrpcInvalidArgument, isGrpcNotFound, toApiError } from './temporal-errors';
import { scheduledBatchIdPrefix } from './workflow-ids';

/**
 * Bounds every Temporal call of a request (the deadline interceptor) and of each poll of a stream. Without it
 * the client's built-in retries keep a request waiting for a minute while Temporal is down; with it, the call
 * fails with DEADLINE_EXCEEDED and the client gets a 503 with Retry-After in a few seconds.
 */
export const TEMPORAL_RPC_DEADLINE_MS = 4000;

/** How long POST /api/media waits for a worker to sniff the file. */
export const PROBE_MEDIA_WAIT_MS = 60_000;

/** A query needs a worker (it replays the workflow); when none answers this quickly there is no answer. */
export const QUERY_DEADLINE_MS = 3000;

export type RunKind = 'video' | 'batch' | 'transcription';

/** What the API needs to know of a workflow run. */
export interface RunInfo {
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT, CONTINUED_AS_NEW. */
  status: string;
  runId: string;
  startTime: Date;
  closeTime?: Date;
  /** True once a worker has started one of the run's activities (not merely scheduled it). */
  hasStartedActivity: boolean;
  /** The latest start or heartbeat of a pending activity. */
  lastActivityTime?: Date;
  /** A pending render's progress (its last heartbeat) and attempt number. */
  render?: { progress: number; attempt: number };
  /** The run's VidflowStage search attribute: the stage a video was in when it closed, whoever closed it. */
  stage?: Stage;
  memo(): Promise<Record<string, unknown> | undefined>;
}

/** How a start meets a workflow id that exists already. */
export type StartPolicy =
  /** A fresh id: start it. */
  | { kind: 'new' }
  /** Join the run under this id if it is running; a finished one is not started again ('exists'). */
  | { kind: 'share-running' }
  /** An Idempotency-Key's id: start it once for life and record the request's hash on it. */
  | { kind: 'idempotent'; requestHash: string };

/**
 * `started`: this start made the run, or (idempotent) the run under the id was made by the same request.
 * `finished`: (share-running) a finished run already has the id. `key-conflict`: (idempotent) another
 * request made the run under this key.
 */
export type StartOutcome = 'started' | 'finished' | 'key-conflict';

/**
 * How a finished run ended, from its result. `closedBy`: `workflow` when the workflow's own code failed it (its
 * failure carries what the workflow knew); `operator` when it was terminated (`temporal workflow terminate`, the
 * Web UI: type `Terminated`, the reason as message); `timeout` when Temporal closed it at its execution timeout
 * (type `TimedOut`). The last two never ran the workflow's catch or finally blocks.
 */
export type RunOutcome =
  | { status: 'completed'; result: unknown }
  | { status: 'cancelled' }
  | { status: 'failed'; type: string; message: string; details?: unknown; closedBy: 'workflow' | 'operator' | 'timeout' };

export type ScheduleOverlap = 'skip' | 'buffer_one' | 'allow_all';

export interface BatchScheduleSpec {
  id: string;
  cron?: string;
  intervalSeconds?: number;
  timezone?: string;
  overlap: ScheduleOverlap;
  paused: boolean;
  /** Kept on the schedule as given, because Temporal describes cron expressions as calendars. */
  memo: Record<string, unknown>;
}

export type ScheduleCreateOutcome = { created: true } | { created: false; conflict: true } | { created: false; invalidSpec: string };

export interface VisibleVideo {
  id: string;
  /** The API's status (queued and running are both Running in Temporal's visibility: `running` here). */
  status: RunStatus;
  stage?: string;
  batchId?: string;
  startTime?: Date;
  closeTime?: Date;
}

/** What Temporal says of one task queue for one kind of task (workflow or activity). */
export interface TaskQueueLoad {
  /** Workers that polled it recently (Temporal keeps a poller for a few minutes after its last poll). */
  pollers: number;
  /** Tasks waiting for a worker (Temporal's approximate backlog count). */
  backlog: number;
  /** Age of the oldest waiting task, in seconds (0 with an empty backlog). */
  backlogAgeSeconds: number;
  /** The pollers' identities (`pid@host` for the TypeScript SDK). */
  identities: string[];
}

/** Temporal's ExecutionStatus names for each of the API's statuses (queued and running are both Running there). */
const EXECUTION_STATUS: Record<RunStatus, string[]> = {
  queued: ['Running'],
  running: ['Running'],
  completed: ['Completed'],
  failed: ['Failed', 'TimedOut', 'Terminated'],
  cancelled: ['Canceled'],
};
const Status = temporal.api.enums.v1.WorkflowExecutionStatus;
const STATUS_OF: Record<number, RunStatus> = {
  [Status.WORKFLOW_EXECUTION_STATUS_RUNNING]: 'running',
  [Status.WORKFLOW_EXECUTION_STATUS_COMPLETED]: 'completed',
  [Status.WORKFLOW_EXECUTION_STATUS_FAILED]: 'failed',
  [Status.WORKFLOW_EXECUTION_STATUS_TIMED_OUT]: 'failed',
  [Status.WORKFLOW_EXECUTION_STATUS_TERMINATED]: 'failed',
  [Status.WORKFLOW_EXECUTION_STATUS_CANCELED]: 'cancelled',
};

const OVERLAP = { skip: ScheduleOverlapPolicy.SKIP, buffer_one: ScheduleOverlapPolicy.BUFFER_ONE, allow_all: ScheduleOverlapPolicy.ALLOW_ALL } as const;
const OVERLAP_NAME = Object.fromEntries(Object.entries(OVERLAP).map(([k, v]) => [v, k])) as Record<string, ScheduleOverlap>;

/**
 * The API's one door to Temporal: workflow ids' start options and search attributes, describe, query, result,
 * cancel, visibility and schedules, and how Temporal's errors become the API's (temporal-errors.ts: by error
 * class or gRPC status code). Services decide what to do; this says how it is done on Temporal.
 */
@Injectable()
export class TemporalGateway {
  /** Whether the visibility store takes `ORDER BY StartTime` (see listVideos); undefined until asked once. */
  private visibilityOrdersByStartTime?: boolean;

  constructor(
    @Inject(CONFIG) private readonly config: VidflowConfig,
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
  ) {}

  /** Runs `fn` with every Temporal call inside it bounded by TEMPORAL_RPC_DEADLINE_MS from now. */
  withDeadline<T>(fn: () => Promise<T>): Promise<T> {
    return this.client.withDeadline(Date.now() + TEMPORAL_RPC_DEADLINE_MS, fn);
  }

  // --- starting runs -------------------------------------------------------------------------------

  async startVideo(input: VideoWorkflowInput, policy: StartPolicy = { kind: 'new' }): Promise<StartOutcome> {
    return this.start(input.videoId, policy, (options) =>
      this.client.workflow.start(VIDEO_WORKFLOW, {
        workflowId: input.videoId,
        taskQueue: this.config.taskQueues.io,
        args: [input],
        typedSearchAttributes: [
          { key: SEARCH_ATTRIBUTES.kind, value: 'video' },
          { key: SEARCH_ATTRIBUTES.stage, value: 'script' },
        ],
        ...options,
      }),
    );
  }

  async startBatch(batchId: string, input: BatchWorkflowInput, policy: StartPolicy = { kind: 'new' }): Promise<StartOutcome> {
    return this.start(batchId, policy, (options) =>
      this.client.workflow.start(BATCH_WORKFLOW, { ...this.batchStart(batchId, input), ...options, memo: { ...options.memo, total: input.request.items.length } }),
    );
  }

  /** A transcription's workflow on the I/O queue (its activities run on the speech-to-text and render queues). */
  async startTranscription(input: TranscriptionWorkflowInput, policy: StartPolicy = { kind: 'new' }): Promise<StartOutcome> {
    return this.start(input.transcriptionId, policy, (options) =>
      this.client.workflow.start(TRANSCRIPTION_WORKFLOW, {
        workflowId: input.transcriptionId,
        taskQueue: this.config.taskQueues.io,
        args: [input],
        typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.kind, value: 'transcription' }],
        ...options,
      }),
    );
  }

  /**
   * Sniffs a file received by the media library on a worker (probeMediaWorkflow: ffprobe and a one-frame decode)
   * and waits for the answer, up to PROBE_MEDIA_WAIT_MS: its own deadline, not the request's few seconds for a
   * Temporal call. A file that is no media becomes a 415 naming the file.
   */
  async probeMedia(input: ProbeMediaInput): Promise<SniffedMedia> {
    try {
      return await this.client.withDeadline(Date.now() + PROBE_MEDIA_WAIT_MS, () =>
        this.client.workflow.execute(PROBE_MEDIA_WORKFLOW, {
          workflowId: `med-probe-${randomUUID()}`,
          taskQueue: this.config.taskQueues.io,
          args: [input],
          workflowExecutionTimeout: PROBE_MEDIA_WAIT_MS,
        }),
      );
    } catch (err) {
      let cause: unknown = err;
      while (cause instanceof Error) {
        if (cause instanceof ApplicationFailure && cause.type === UNSUPPORTED_MEDIA) {
          throw new UnsupportedMediaError(cause.message, [{ field: 'file', message: cause.message.replace(/^file: /, '') }]);
        }
        cause = cause.cause;
      }
      throw toApiError(err);
    }
  }

  /** What every batch start has (API, retry, schedule): type, id, queue, input and its search attribute. */
  private batchStart(workflowId: string, input: BatchWorkflowInput) {
    return {
      workflowType: BATCH_WORKFLOW,
      workflowId,
      taskQueue: this.config.taskQueues.io,
      args: [input] as [BatchWorkflowInput],
      typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.kind, value: 'batch' }],
    };
  }

  private async start(
    workflowId: string,
    policy: StartPolicy,
    start: (options: { workflowIdConflictPolicy?: 'USE_EXISTING'; workflowIdReusePolicy?: 'REJECT_DUPLICATE'; memo?: Record<string, unknown> }) => Promise<unknown>,
  ): Promise<StartOutcome> {
    const options =
      policy.kind === 'new'
        ? {}
        : {
            workflowIdConflictPolicy: 'USE_EXISTING' as const,
            workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
            ...(policy.kind === 'idempotent' ? { memo: { requestHash: policy.requestHash } } : {}),
          };
    try {
      await start(options);
      if (policy.kind !== 'idempotent') return 'started';
    } catch (err) {
      // A finished run under this id: REJECT_DUPLICATE refuses a new one, which is the point.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError) || policy.kind === 'new') throw toApiError(err);
      if (policy.kind === 'share-running') return 'finished';
    }
    // USE_EXISTING answers a running run's id without saying whether it was this start: the memo says
    // which request started it.
    const desc = await this.call(() => this.client.workflow.getHandle(workflowId).describe());
    const memo = (await desc.memo) as { requestHash?: string } | undefined;
    return memo?.requestHash === policy.requestHash ? 'started' : 'key-conflict';
  }

  // --- reading runs --------------------------------------------------------------------------------

  /** The latest run under `id`; NotFoundError (404 "no video with id ...") when there is none. */
  async describe(kind: RunKind, id: string): Promise<RunInfo> {
    let desc: WorkflowExecutionDescription;
    try {
      desc = await this.client.workflow.getHandle(id).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new NotFoundError(`no ${kind} with id ${id}`);
      throw toApiError(err);
    }
    return {
      status: desc.status.name,
      runId: desc.runId,
      startTime: desc.startTime,
      closeTime: desc.closeTime,
      hasStartedActivity: (desc.raw.pendingActivities ?? []).some((a) => a.lastStartedTime != null),
      lastActivityTime: latestActivityTime(desc),
      render: renderActivityState(desc),
      stage: desc.typedSearchAttributes.get(SEARCH_ATTRIBUTES.stage) as Stage | undefined,
      memo: async () => (await desc.memo) as Record<string, unknown> | undefined,
    };
  }

  /** A video's live state, or undefined when no worker answers within QUERY_DEADLINE_MS. */
  queryVideo(id: string): Promise<VideoProgress | undefined> {
    return this.query(() => this.client.workflow.getHandle(id).query(videoStatusQuery));
  }

  /** A batch's state (live, or replayed from a closed run's history), or undefined when no worker answers. */
  queryBatch(id: string): Promise<BatchProgress | undefined> {
    return this.query(() => this.client.workflow.getHandle(id).query(batchStatusQuery));
  }

  /** A transcription's live state, or undefined when no worker answers within QUERY_DEADLINE_MS. */
  queryTranscription(id: string): Promise<TranscriptionProgress | undefined> {
    return this.query(() => this.client.workflow.getHandle(id).query(transcriptionStatusQuery));
  }

  private async query<T>(ask: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.client.withDeadline(Date.now() + QUERY_DEADLINE_MS, ask);
    } catch {
      return undefined;
    }
  }

  /** The result of a completed run. */
  result<T>(id: string): Promise<T> {
    return this.call(() => this.client.workflow.getHandle(id).result() as Promise<T>);
  }

  /**
   * Resolves once run `runId` of `id` has closed, however it ended (true), or false when `maxMs` passed, `signal`
   * aborted or Temporal could not be asked. Never rejects. The SDK long-polls the history for the close event, so
   * the API learns of the end within a round trip instead of at its next status read (issue #18). Its own deadline
   * replaces the one of the request that happened to start it (withDeadline overrides the async-local one).
   */
  async waitForClose(id: string, runId: string, options: { maxMs: number; signal: AbortSignal }): Promise<boolean> {
    const handle = this.client.workflow.getHandle(id, runId, { followRuns: false });
    try {
      await this.client.withDeadline(Date.now() + options.maxMs, () => this.client.withAbortSignal(options.signal, () => handle.result()));
      return true;
    } catch (err) {
      return err instanceof WorkflowFailedError || err instanceof WorkflowContinuedAsNewError;
    }
  }

  /** Waits up to `ms` for the run to complete; false when it is still running then (or failed). */
  async completesWithin(id: string, ms: number): Promise<boolean> {
    try {
      await this.client.withAbortSignal(AbortSignal.timeout(ms), () => this.client.workflow.getHandle(id).result());
      return true;
    } catch {
      return false;
    }
  }

  /** How a closed run ended: its result, cancelled, or the failure's type, message and details. */
  async outcome(id: string): Promise<RunOutcome> {
    try {
      return { status: 'completed', result: await this.client.workflow.getHandle(id).result() };
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) throw toApiError(err);
      if (err.cause instanceof CancelledFailure) return { status: 'cancelled' };
      const cause = err.cause;
      if (cause instanceof TerminatedFailure) return { status: 'failed', type: 'Terminated', message: cause.message, closedBy: 'operator' };
      if (cause instanceof TimeoutFailure) return { status: 'failed', type: 'TimedOut', message: cause.message || 'workflow execution timed out', closedBy: 'timeout' };
      if (cause instanceof ApplicationFailure) {
        return { status: 'failed', type: cause.type ?? 'Error', message: cause.message, details: cause.details?.[0], closedBy: 'workflow' };
      }
      return { status: 'failed', type: cause?.name ?? 'Error', message: cause?.message ?? err.message, closedBy: 'workflow' };
    }
  }

  /** The input the run `runId` of `id` started with, from the first event of its history. */
  async startInput<T>(id: string, runId: string): Promise<T> {
    const history = await this.call(() =>
      this.client.workflowService.getWorkflowExecutionHistory({
        namespace: this.config.temporal.namespace,
        execution: { workflowId: id, runId },
        maximumPageSize: 1,
      }),
    );
    const payload = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    if (!payload) throw new Error(`${id}: its start event carries no input`);
    return defaultPayloadConverter.fromPayload<T>(payload);
  }

  // --- webhooks ------------------------------------------------------------------------------------

  /**
   * The state of the delivery workflow of `subjectId`'s webhook: its result once closed (`final`), the status
   * query's answer while it retries, undefined when it does not exist (yet) or no worker answers the query.
   */
  async webhookState(subjectId: string): Promise<{ state: WebhookState; final: boolean } | undefined> {
    const handle = this.client.workflow.getHandle(webhookWorkflowId(subjectId));
    let status: string;
    try {
      status = (await handle.describe()).status.name;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw toApiError(err);
    }
    if (status === 'RUNNING') {
      const state = await this.query(() => handle.query(webhookStatusQuery));
      return state ? { state, final: false } : undefined;
    }
    if (status === 'COMPLETED') return { state: await this.call(() => handle.result() as Promise<WebhookState>), final: true };
    // Terminated or timed out by an operator: no more attempts will be made.
    return { state: { status: 'failed', attempts: 0, lastError: `the delivery workflow was ${status.toLowerCase()}` }, final: true };
  }

  /**
   * Sends one webhook event through a delivery workflow (the worker's signing secrets and address rules) and
   * waits up to `waitMs` for its outcome; past that, the state so far.
   */
  async deliverOnce(workflowId: string, input: WebhookDeliveryInput, waitMs: number): Promise<WebhookState> {
    const handle = await this.withDeadline(() =>
      this.call(() =>
        this.client.workflow.start(WEBHOOK_WORKFLOW, {
        workflowId,
        taskQueue: this.config.taskQueues.io,
        args: [input],
          typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.kind, value: 'webhook' }],
        }),
      ),
    );
    try {
      return (await this.client.withAbortSignal(AbortSignal.timeout(waitMs), () => handle.result())) as WebhookState;
    } catch {
      return (await this.query(() => handle.query(webhookStatusQuery))) ?? { status: 'pending', attempts: 0 };
    }
  }

  async cancel(id: string): Promise<void> {
    await this.call(() => this.client.workflow.getHandle(id).cancel());
  }

  /** Removes a closed run's record (history and visibility) from Temporal: the id is unknown afterwards. */
  async deleteRun(id: string): Promise<void> {
    await this.call(() =>
      this.client.workflowService.deleteWorkflowExecution({ namespace: this.config.temporal.namespace, workflowExecution: { workflowId: id } }),
    );
  }

  /**
   * Videos from Temporal visibility (the search attributes every video carries), one request per page; no
   * workflow is queried or replayed. Newest first by start time: `ORDER BY StartTime DESC` where the visibility
   * store takes it (Elasticsearch). SQL visibility (the dev server's SQLite, PostgreSQL) refuses any ORDER BY
   * ("operation is not supported: 'order by' clause") and pages in its own order (open runs by start time, then
   * closed runs by close time); there each page is sorted by start time, newest first, and the order across pages
   * stays the store's. Whether the store takes it is learnt from the first refusal and kept.
   */
  async listVideos(filter: { status?: RunStatus; batchId?: string }, pageSize: number, pageToken?: Uint8Array) {
    const clauses = [];
    if (filter.batchId) clauses.push(`${SEARCH_ATTRIBUTES.batchId.name} = '${filter.batchId}'`);
    const { runs, nextPageToken } = await this.listRuns({ kind: 'video', status: filter.status, clauses, pageSize, pageToken });
    return { videos: runs, nextPageToken };
  }

  /** Transcriptions from Temporal visibility, newest first as listVideos orders them, one request per page. */
  listTranscriptions(filter: { status?: RunStatus }, pageSize: number, pageToken?: Uint8Array) {
    return this.listRuns({ kind: 'transcription', status: filter.status, clauses: [], pageSize, pageToken });
  }

  private async listRuns(options: { kind: RunKind; status?: RunStatus; clauses: string[]; pageSize: number; pageToken?: Uint8Array }) {
    const clauses = [`${SEARCH_ATTRIBUTES.kind.name} = '${options.kind}'`, ...options.clauses];
    if (options.status) clauses.push(`ExecutionStatus IN (${EXECUTION_STATUS[options.status].map((s) => `'${s}'`).join(', ')})`);
    const list = (orderBy: boolean) =>
      this.client.workflowService.listWorkflowExecutions({
        namespace: this.config.temporal.namespace,
        query: clauses.join(' AND ') + (orderBy ? ' ORDER BY StartTime DESC' : ''),
        pageSize: options.pageSize,
        nextPageToken: options.pageToken,
      });
    const res = await this.call(async () => {
      if (this.visibilityOrdersByStartTime === false) return list(false);
      try {
        const ordered = await list(true);
        this.visibilityOrdersByStartTime = true;
        return ordered;
      } catch (err) {
        if (!isGrpcInvalidArgument(err) || this.visibilityOrdersByStartTime) throw err;
        this.visibilityOrdersByStartTime = false;
        return list(false);
      }
    });
    const runs = (res.executions ?? []).map((e): VisibleVideo => {
      const attrs = e.searchAttributes?.indexedFields ?? {};
      const keyword = (name: string) => {
        const payload = attrs[name];
        if (!payload) return undefined;
        const value = defaultPayloadConverter.fromPayload<unknown>(payload);
        return Array.isArray(value) ? String(value[0]) : typeof value === 'string' ? value : undefined;
      };
      return {
        id: e.execution?.workflowId ?? '',
        status: STATUS_OF[e.status ?? 0] ?? 'running',
        stage: keyword(SEARCH_ATTRIBUTES.stage.name),
        batchId: keyword(SEARCH_ATTRIBUTES.batchId.name),
        startTime: toDate(e.startTime),
        closeTime: toDate(e.closeTime),
      };
    });
    runs.sort((a, b) => (b.startTime?.getTime() ?? 0) - (a.startTime?.getTime() ?? 0));
    const token = res.nextPageToken;
    return { runs, nextPageToken: token && token.length ? token : undefined };
  }

  // --- schedules -----------------------------------------------------------------------------------

  /** A Temporal Schedule whose action starts a batch `bat-<id>-<scheduled time>` with `input`. */
  async createBatchSchedule(spec: BatchScheduleSpec, input: BatchWorkflowInput): Promise<ScheduleCreateOutcome> {
    try {
      await this.client.schedule.create({
        scheduleId: spec.id,
        spec: {
          ...(spec.cron ? { cronExpressions: [spec.cron] } : { intervals: [{ every: spec.intervalSeconds! * 1000 }] }),
          timezone: spec.timezone,
        },
        action: { type: 'startWorkflow', ...this.batchStart(scheduledBatchIdPrefix(spec.id), input), memo: { total: input.request.items.length } },
        policies: { overlap: OVERLAP[spec.overlap] },
        state: { paused: spec.paused },
        memo: spec.memo,
      });
      return { created: true };
    } catch (err) {
      if (err instanceof ScheduleAlreadyRunning) return { created: false, conflict: true };
      // The client parses cron expressions itself (a TypeError such as "Minute is not in range [0-59]");
      // the server checks the rest (INVALID_ARGUMENT). Either way the message says what is wrong.
      if (err instanceof TypeError) return { created: false, invalidSpec: err.message };
      if (isGrpcInvalidArgument(err)) {
        const grpc = err as { details?: string; message: string; cause?: { details?: string; message: string } };
        const source = grpc.cause ?? grpc;
        return { created: false, invalidSpec: source.details || source.message };
      }
      throw toApiError(err);
    }
  }

  async describeSchedule(id: string): Promise<ScheduleDescription> {
    return this.onSchedule(id, () => this.client.schedule.getHandle(id).describe());
  }

  async listScheduleIds(limit: number): Promise<string[]> {
    const ids: string[] = [];
    await this.call(async () => {
      for await (const summary of this.client.schedule.list()) {
        ids.push(summary.scheduleId);
        if (ids.length >= limit) break;
      }
    });
    return ids;
  }

  pauseSchedule(id: string, note: string): Promise<void> {
    return this.onSchedule(id, () => this.client.schedule.getHandle(id).pause(note));
  }

  unpauseSchedule(id: string, note: string): Promise<void> {
    return this.onSchedule(id, () => this.client.schedule.getHandle(id).unpause(note));
  }

  triggerSchedule(id: string): Promise<void> {
    return this.onSchedule(id, () => this.client.schedule.getHandle(id).trigger());
  }

  deleteSchedule(id: string): Promise<void> {
    return this.onSchedule(id, () => this.client.schedule.getHandle(id).delete());
  }

  private async onSchedule<T>(id: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ScheduleNotFoundError || isGrpcNotFound(err)) throw new NotFoundError(`no schedule with id ${id}`);
      throw toApiError(err);
    }
  }

  // --- task queues ---------------------------------------------------------------------------------

  /**
   * DescribeTaskQueue (classic mode, with reportStats: the enhanced mode is deprecated) for the workflow and the
   * activity side of each queue: its pollers and its backlog.
   */
  async describeTaskQueues(names: string[]): Promise<Record<string, { workflow: TaskQueueLoad; activity: TaskQueueLoad }>> {
    const Type = temporal.api.enums.v1.TaskQueueType;
    const describe = async (name: string, taskQueueType: temporal.api.enums.v1.TaskQueueType): Promise<TaskQueueLoad> => {
      const res = await this.call(() =>
        this.client.workflowService.describeTaskQueue({
          namespace: this.config.temporal.namespace,
          taskQueue: { name },
          taskQueueType,
          reportStats: true,
        }),
      );
      const age = res.stats?.approximateBacklogAge;
      return {
        pollers: res.pollers?.length ?? 0,
        identities: (res.pollers ?? []).map((p) => p.identity ?? ''),
        backlog: longToNumber(res.stats?.approximateBacklogCount),
        backlogAgeSeconds: age ? Number(age.seconds ?? 0) + (age.nanos ?? 0) / 1e9 : 0,
      };
    };
    const unique = [...new Set(names)];
    const loads = await settleAll(
      unique.map(async (name) => {
        const [workflow, activity] = await settleAll([describe(name, Type.TASK_QUEUE_TYPE_WORKFLOW), describe(name, Type.TASK_QUEUE_TYPE_ACTIVITY)]);
        return [name, { workflow: workflow!, activity: activity! }] as const;
      }),
    );
    return Object.fromEntries(loads);
  }

  /** The Temporal server's version (GetClusterInfo). */
  async serverVersion(): Promise<string> {
    const info = await this.call(() => this.client.workflowService.getClusterInfo({}));
    return info.serverVersion ?? '';
  }

  // --- health --------------------------------------------------------------------------------------

  /** Asks the frontend for its system info within `timeoutMs`: throws when Temporal is unreachable. */
  async ping(timeoutMs: number): Promise<void> {
    await this.client.withDeadline(Date.now() + timeoutMs, () => this.client.workflowService.getSystemInfo({}));
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toApiError(err);
    }
  }
}

/** A schedule's overlap policy by the API's name for it. */
export function overlapName(policy: unknown): ScheduleOverlap {
  return OVERLAP_NAME[String(policy)] ?? 'skip';
}

/**
 * Like Promise.all, but it answers (or fails with the first error) only once every call has ended: no call is
 * left retrying behind an answer already given (and then running into a connection closed meanwhile).
 */
async function settleAll<T>(calls: Array<Promise<T>>): Promise<T[]> {
  const settled = await Promise.allSettled(calls);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/** int64 fields arrive as numbers or as protobuf Longs. */
function longToNumber(v: unknown): number {
  if (v == null) return 0;
  if (typeof v === 'object' && 'toNumber' in v && typeof v.toNumber === 'function') return (v as { toNumber(): number }).toNumber();
  return Number(v);
}

function toDate(t: { seconds?: unknown; nanos?: number | null } | null | undefined): Date | undefined {
  if (!t || t.seconds == null) return undefined;
  return new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6));
}

/** Live render progress and attempt number, from the render activity's last heartbeat. */
function renderActivityState(desc: WorkflowExecutionDescription): { progress: number; attempt: number } | undefined {
  const pending = desc.raw.pendingActivities?.find((a) => a.activityType?.name === 'renderVideo');
  if (!pending) return undefined;
  let progress = 0;
  const payload = pending.heartbeatDetails?.payloads?.[0];
  if (payload) {
    try {
      progress = Number(defaultPayloadConverter.fromPayload<RenderHeartbeat>(payload)?.progress) || 0;
    } catch {
      progress = 0;
    }
  }
  return { progress, attempt: pending.attempt ?? 1 };
}

function latestActivityTime(desc: WorkflowExecutionDescription): Date | undefined {
  let latest: number | undefined;
  for (const a of desc.raw.pendingActivities ?? []) {
    for (const t of [a.lastHeartbeatTime, a.lastStartedTime]) {
      const ms = toDate(t)?.getTime();
      if (ms && (!latest || ms > latest)) latest = ms;
    }
  }
  return latest ? new Date(latest) : undefined;
}
