import { Injectable } from '@nestjs/common';
import type { ScheduleDescription } from '@temporalio/client';
import { ScheduleRequestSchema, type BatchWorkflowInput, type ScheduleRequest, type ScheduleView } from '@vidflow/contracts';
import { ConflictError, ValidationFailedError } from '../common/api-errors';
import { validate } from '../common/zod-validation';
import { BatchesService } from '../batches/batches.service';
import { overlapName, TemporalGateway } from '../temporal/temporal-gateway';
import { assertScheduleId } from '../temporal/workflow-ids';

const LIST_LIMIT = 200;

/** Recurring batches, as Temporal Schedules whose action starts a batch workflow. */
@Injectable()
export class SchedulesService {
  constructor(
    private readonly temporal: TemporalGateway,
    private readonly batches: BatchesService,
  ) {}

  async create(body: unknown): Promise<ScheduleView> {
    const request: ScheduleRequest = validate(ScheduleRequestSchema, body);
    // The batch is validated item by item now, as POST /api/batches would, not when it first runs.
    const batch = this.batches.parse(request.batch);
    const input: BatchWorkflowInput = this.batches.workflowInput(batch);
    const created = await this.temporal.createBatchSchedule(
      {
        id: request.id,
        cron: request.cron,
        intervalSeconds: request.intervalSeconds,
        timezone: request.timezone,
        overlap: request.overlap,
        paused: request.paused,
        // The original spec, because Temporal describes cron expressions as calendars.
        memo: { cron: request.cron, intervalSeconds: request.intervalSeconds, timezone: request.timezone },
      },
      input,
    );
    if ('conflict' in created) throw new ConflictError(`a schedule with id "${request.id}" already exists`);
    if ('invalidSpec' in created) {
      const field = request.cron ? 'cron' : 'intervalSeconds';
      throw new ValidationFailedError(`${field}: ${created.invalidSpec}`, [{ field, message: created.invalidSpec }]);
    }
    return this.get(request.id);
  }

  async list(): Promise<{ items: ScheduleView[] }> {
    const ids = await this.temporal.listScheduleIds(LIST_LIMIT);
    const items = await Promise.all(ids.map((id) => this.get(id).catch(() => undefined)));
    return { items: items.filter((s): s is ScheduleView => s !== undefined) };
  }

  async get(id: string): Promise<ScheduleView> {
    assertScheduleId(id);
    return toView(await this.temporal.describeSchedule(id));
  }

  async pause(id: string): Promise<ScheduleView> {
    assertScheduleId(id);
    await this.temporal.pauseSchedule(id, 'paused through the vidflow API');
    return this.get(id);
  }

  async unpause(id: string): Promise<ScheduleView> {
    assertScheduleId(id);
    await this.temporal.unpauseSchedule(id, 'unpaused through the vidflow API');
    return this.get(id);
  }

  /** Runs the schedule's batch now; the overlap policy applies as to any other run. */
  async trigger(id: string): Promise<ScheduleView> {
    assertScheduleId(id);
    await this.temporal.triggerSchedule(id);
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    assertScheduleId(id);
    await this.temporal.deleteSchedule(id);
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
    overlap: overlapName(d.policies.overlap),
    batch: input?.request,
    nextRuns: d.info.nextActionTimes.map((t) => t.toISOString()),
    recentRuns: d.info.recentActions.map((a) => ({
      batchId: a.action.workflow.workflowId,
      scheduledAt: a.scheduledAt.toISOString(),
      startedAt: a.takenAt.toISOString(),
    })),
  };
}
