import { ApplicationFailure, CancelledFailure } from '@temporalio/client';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, Next } from '@temporalio/worker';
import type { CachedStage, WorkerMetrics } from './worker-metrics';

/** The activity that carries out each pipeline stage (libs/activities/src/create-activities.ts). */
const STAGE_OF_ACTIVITY: Readonly<Record<string, CachedStage>> = {
  writeScript: 'script',
  synthesizeScene: 'tts',
  renderVideo: 'render',
};

/**
 * Registered with `Worker.create({ interceptors: { activity: [...] } })`: times every activity attempt
 * and counts failures by type and cache hits by stage, so the activities themselves stay free of metrics.
 */
export function activityMetricsInterceptors(metrics: WorkerMetrics): ActivityInterceptorsFactory {
  return (ctx) => ({ inbound: new ActivityMetricsInterceptor(metrics, ctx.info.activityType) });
}

export class ActivityMetricsInterceptor implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly metrics: WorkerMetrics,
    private readonly activity: string,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const { activity, metrics } = this;
    try {
      const result = await next(input);
      const elapsed = seconds();
      metrics.activityDuration.observe({ activity, outcome: 'completed' }, elapsed);
      const stage = STAGE_OF_ACTIVITY[activity];
      if (stage) {
        metrics.stageDuration.observe({ stage }, elapsed);
        const hit = cacheHitOf(result);
        if (hit !== undefined) (hit ? metrics.cacheHits : metrics.cacheMisses).inc({ stage });
      }
      return result;
    } catch (err) {
      // A cancelled attempt (video cancelled, heartbeat timeout, worker shutdown) is not a failure.
      const outcome = isCancellation(err) ? 'cancelled' : 'failed';
      metrics.activityDuration.observe({ activity, outcome }, seconds());
      if (outcome === 'failed') metrics.activityFailures.inc({ activity, type: failureType(err) });
      throw err;
    }
  }
}

/** The type Temporal records for the failure: an ApplicationFailure's own type, else the error's name (as the SDK converts it). */
export function failureType(err: unknown): string {
  if (err instanceof ApplicationFailure) return err.type ?? 'Error';
  if (err instanceof Error) return err.name || 'Error';
  return 'Error';
}

function isCancellation(err: unknown): boolean {
  return err instanceof CancelledFailure || (err instanceof Error && err.name === 'AbortError');
}

/** Stage activities return `cacheHit: boolean` (libs/contracts); anything else is not counted either way. */
function cacheHitOf(result: unknown): boolean | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const hit = (result as { cacheHit?: unknown }).cacheHit;
  return typeof hit === 'boolean' ? hit : undefined;
}
