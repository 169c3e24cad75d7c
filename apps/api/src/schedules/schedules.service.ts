import { Inject, Injectable } from '@nestjs/common';
import {
  Client,
  isGrpcServiceError,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type ScheduleDescription,
} from '@temporalio/client';
import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  BATCH_WORKFLOW,
  ScheduleRequestSchema,
  SEARCH_ATTRIBUTES,
  type BatchWorkflowInput,
  type ScheduleRequest,
  type ScheduleView,
} from '@vidflow/contracts';
import type { VidflowConfig } from '@vidflow/config';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/api-errors';
import { validate } from '../common/zod-validation';
import { BatchesService } from '../batches/batches.service';
import { CONFIG, TEMPORAL_CLIENT } from '../tokens';

const OVERLAP = { skip: ScheduleOverlapPolicy.SKIP, buffer_one: ScheduleOverlapPolicy.BUFFER_ONE, allow_all: ScheduleOverlapPolicy.ALLOW_ALL } as const;
const OVERLAP_NAME = Object.fromEntries(Object.entries(OVERLAP).map(([k, v]) => [v, k])) as Record<string, ScheduleView['overlap']>;
const SCHEDULE_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/;
const LIST_LIMIT = 200;

/** Recurring batches, as Temporal Schedules whose action starts a batch workflow. */
@Injectable()
export class SchedulesService {
  constructor(
    @Inject(CONFIG) private readonly config: VidflowConfig,
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    private readonly batches: BatchesService,
  ) {}

  async create(body: unknown): Promise<ScheduleView> {
    const request: ScheduleRequest = validate(ScheduleRequestSchema, body);
    // The batch is validated item by item now, as POST /api/batches would, not when it first runs.
    const batch = this.batches.parse(request.batch);
    const input: BatchWorkflowInput = this.batches.workflowInput(batch);
    try {
      await this.client.schedule.create({
        scheduleId: request.id,
        spec: {
          ...(request.cron ? { cronExpressions: [request.cron] } : { intervals: [{ every: request.intervalSeconds! * 1000 }] }),
          timezone: request.timezone,
        },
        action: {
          type: 'startWorkflow',
          workflowType: BATCH_WORKFLOW,
          // Temporal appends the scheduled time: each run is a batch `bat-<id>-<time>`.
          workflowId: `bat-${request.id}`,
          taskQueue: this.config.taskQueues.io,
          args: [input],
          memo: { total: batch.items.length },
          typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.kind, value: 'batch' }],
        },
        policies: { overlap: OVERLAP[request.overlap] },
        state: { paused: request.paused },
        // The original spec, because Temporal describes cron expressions as calendars.
        memo: { cron: request.cron, intervalSeconds: request.intervalSeconds, timezone: request.timezone },
      });
    } catch (err) {
      if (err instanceof ScheduleAlreadyRunning) throw new ConflictError(`a schedule with id "${request.id}" already exists`);
      // The client parses cron expressions itself (TypeError "Minute is not in range [0-59]"); the
      // server checks the rest (INVALID_ARGUMENT). Either way the message says what is wrong.
      const grpc = grpcError(err);
      if (err instanceof TypeError || grpc?.code === GrpcStatus.INVALID_ARGUMENT) {
        const field = request.cron ? 'cron' : 'intervalSeconds';
        const message = grpc ? grpc.details || grpc.message : (err as Error).message;
        throw new ValidationFailedError(`${field}: ${message}`, [{ field, message }]);
      }
      throw err;
    }
    return this.get(request.id);
  }

  async list(): Promise<{ items: ScheduleView[] }> {
    const ids: string[] = [];
    for await (const summary of this.client.schedule.list()) {
      ids.push(summary.scheduleId);
      if (ids.length >= LIST_LIMIT) break;
    }
    const items = await Promise.all(ids.map((id) => this.get(id).catch(() => undefined)));
    return { items: items.filter((s): s is ScheduleView => s !== undefined) };
  }

  async get(id: string): Promise<ScheduleView> {
    return toView(await this.describe(id));
  }

  async pause(id: string): Promise<ScheduleView> {
    await this.handle(id).pause('paused through the vidflow API');
    return this.get(id);
  }

  async unpause(id: string): Promise<ScheduleView> {
    await this.handle(id).unpause('unpaused through the vidflow API');
    return this.get(id);
  }

  /** Runs the schedule's batch now; the overlap policy applies as to any other run. */
  async trigger(id: string): Promise<ScheduleView> {
    await this.handle(id).trigger();
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    await this.handle(id).delete();
  }

  private handle(id: string) {
    assertScheduleId(id);
    const handle = this.client.schedule.getHandle(id);
    const wrap =
      <A extends unknown[]>(fn: (...a: A) => Promise<void>) =>
      async (...a: A) => {
        try {
          await fn(...a);
        } catch (err) {
          throw notFound(err, id);
        }
      };
    return {
      pause: wrap((note: string) => handle.pause(note)),
      unpause: wrap((note: string) => handle.unpause(note)),
      trigger: wrap(() => handle.trigger()),
      delete: wrap(() => handle.delete()),
    };
  }

  private async describe(id: string): Promise<ScheduleDescription> {
    assertScheduleId(id);
    try {
      return await this.client.schedule.getHandle(id).describe();
    } catch (err) {
      throw notFound(err, id);
    }
  }
}

function toView(d: ScheduleDescription): ScheduleView {
  const memo = (d.memo ?? {}) as { cron?: string; intervalSeconds?: number; timezone?: string };
  const action = d.action as { args?: unknown[] };
  const input = action.args?.[0] as BatchWorkflowInput | undefined;
  return {
    id: d.scheduleId,
    spec: {
      ...(memo.cron ? { cron: [memo.cron] } : {}),
      ...(memo.intervalSeconds ? { intervalSeconds: [memo.intervalSeconds] } : {}),
      timezone: memo.timezone ?? d.spec.timezone ?? 'UTC',
    },
    paused: d.state.paused,
    overlap: OVERLAP_NAME[String(d.policies.overlap)] ?? 'skip',
    batch: input?.request,
    nextRuns: d.info.nextActionTimes.map((t) => t.toISOString()),
    recentRuns: d.info.recentActions.map((a) => ({
      batchId: a.action.workflow.workflowId,
      scheduledAt: a.scheduledAt.toISOString(),
      startedAt: a.takenAt.toISOString(),
    })),
  };
}

function notFound(err: unknown, id: string): unknown {
  if (err instanceof ScheduleNotFoundError || grpcError(err)?.code === GrpcStatus.NOT_FOUND) {
    return new NotFoundError(`no schedule with id ${id}`);
  }
  return err;
}

/** The gRPC error behind a client error (the client wraps them in ServiceError with a cause). */
function grpcError(err: unknown) {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    if (isGrpcServiceError(e)) return e;
  }
  return undefined;
}

function assertScheduleId(id: string): void {
  if (!SCHEDULE_ID.test(id)) {
    throw new ValidationFailedError(`id: "${id}" is not a schedule id`, [{ field: 'id', message: 'not a schedule id' }]);
  }
}
