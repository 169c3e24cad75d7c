import type { Client } from '@temporalio/client';

export type ActivityOutcome = 'completed' | 'failed' | 'timedOut' | 'cancelled' | 'open';

/** One activity of a workflow run as its history records it. */
export interface ActivityRun {
  activity: string;
  /** The attempt that ended it (or is running): retries are `attempts - 1`. */
  attempts: number;
  outcome: ActivityOutcome;
}

/**
 * Every activity a workflow scheduled, from its event history: the server's own record, independent of the
 * worker that ran them (whose metrics die with it on SIGKILL). Temporal records a retried activity once,
 * with the number of the attempt that finished it.
 */
export async function activityRuns(client: Client, workflowId: string): Promise<ActivityRun[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const byScheduled = new Map<string, ActivityRun>();
  for (const event of history.events ?? []) {
    const id = String(event.eventId);
    if (event.activityTaskScheduledEventAttributes) {
      byScheduled.set(id, { activity: event.activityTaskScheduledEventAttributes.activityType?.name ?? '?', attempts: 0, outcome: 'open' });
      continue;
    }
    const ended = (
      [
        ['completed', event.activityTaskCompletedEventAttributes],
        ['failed', event.activityTaskFailedEventAttributes],
        ['timedOut', event.activityTaskTimedOutEventAttributes],
        ['cancelled', event.activityTaskCanceledEventAttributes],
      ] as const
    ).find(([, attrs]) => attrs);
    const started = event.activityTaskStartedEventAttributes;
    const scheduledId = String((started ?? ended?.[1])?.scheduledEventId ?? '');
    const run = byScheduled.get(scheduledId);
    if (!run) continue;
    if (started) run.attempts = started.attempt ?? 1;
    if (ended) run.outcome = ended[0];
  }
  return [...byScheduled.values()];
}
