import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, Next } from '@temporalio/worker';

/** Well inside the 30 s heartbeat timeout the video workflow gives speech and script activities. */
export const KEEP_ALIVE_INTERVAL_MS = 5000;

/**
 * Heartbeats on a timer while an activity runs, for the activities that do not heartbeat themselves
 * (speech, script writing, cleanup). Temporal learns that a worker died only from timeouts: with these
 * heartbeats and the workflow's 30 s heartbeat timeout, an attempt lost with its worker (SIGKILL, OOM, a
 * crashed machine) runs again after 30 s instead of after its whole 5-minute start-to-close timeout. The
 * heartbeats also carry cancellation to the attempt. Not for the render queue: the render heartbeats its
 * own progress, which an empty heartbeat would overwrite; nor for local activities, which cannot heartbeat.
 */
export function keepAliveHeartbeatInterceptors(intervalMs = KEEP_ALIVE_INTERVAL_MS): ActivityInterceptorsFactory {
  return (ctx) => ({ inbound: new KeepAliveHeartbeatInterceptor(ctx, intervalMs) });
}

class KeepAliveHeartbeatInterceptor implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: Context,
    private readonly intervalMs: number,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    if (this.ctx.info.isLocal) return next(input);
    // The SDK throttles heartbeats (to 80% of the heartbeat timeout), so a short interval costs no extra calls.
    this.ctx.heartbeat();
    const timer = setInterval(() => this.ctx.heartbeat(), this.intervalMs);
    try {
      return await next(input);
    } finally {
      clearInterval(timer);
    }
  }
}
