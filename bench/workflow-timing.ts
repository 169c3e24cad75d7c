import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';

/** One activity of a run, by the Temporal server's event times (ms since the epoch). */
export interface Activity {
  type: string;
  scheduled: number;
  started: number;
  closed: number;
}

/** Every activity of a workflow run, from its history. */
export async function activitiesOf(client: Client, id: string): Promise<Activity[]> {
  const history = await client.workflow.getHandle(id).fetchHistory();
  const byId = new Map<string, Activity>();
  for (const e of history.events ?? []) {
    const when = e.eventTime ? tsToMs(e.eventTime) : 0;
    if (e.activityTaskScheduledEventAttributes) {
      byId.set(String(e.eventId), { type: e.activityTaskScheduledEventAttributes.activityType?.name ?? '?', scheduled: when, started: when, closed: when });
    }
    const started = e.activityTaskStartedEventAttributes;
    if (started) byId.get(String(started.scheduledEventId))!.started = when;
    const closed = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes;
    if (closed) byId.get(String(closed.scheduledEventId))!.closed = when;
  }
  return [...byId.values()];
}

/** Seconds from the first start to the last close of the activities of `type` (parallel ones merged); 0 when none ran. */
export function spanSeconds(activities: Activity[], type: string): number {
  const list = activities.filter((a) => a.type === type);
  if (!list.length) return 0;
  return (Math.max(...list.map((a) => a.closed)) - Math.min(...list.map((a) => a.started))) / 1000;
}

/** Reads a video's event stream until its `event: end` (the moment a client learns of the end). */
export async function untilEnd(api: string, id: string): Promise<void> {
  const res = await fetch(`${api}/api/videos/${id}/events`);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    text += decoder.decode(value, { stream: true });
    if (/^event: end$/m.test(text)) return void (await reader.cancel());
  }
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
