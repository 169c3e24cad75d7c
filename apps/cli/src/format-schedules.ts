import { formatTable } from './format-table';

/** `GET /api/schedules/:id` as the REST contract describes it; `spec` is whatever the server sends. */
export interface ScheduleView {
  id: string;
  spec?: unknown;
  paused?: boolean;
  overlap?: string;
  nextRuns?: string[];
  recentRuns?: Array<{ batchId?: string; scheduledAt?: string; startedAt?: string }>;
}

/** `cron 0 3 * * * (UTC)`, `every 3600 s`: the spec in a few words, JSON when its shape is unknown. */
export function formatScheduleSpec(spec: unknown): string {
  if (typeof spec === 'string') return spec;
  if (typeof spec !== 'object' || spec === null) return '';
  const s = spec as { cron?: unknown; cronExpressions?: unknown; intervalSeconds?: unknown; interval?: unknown; timezone?: unknown };
  const tz = typeof s.timezone === 'string' ? ` (${s.timezone})` : '';
  const cron = s.cron ?? s.cronExpressions;
  if (typeof cron === 'string') return `cron ${cron}${tz}`;
  if (Array.isArray(cron) && cron.length) return `cron ${cron.join(' | ')}${tz}`;
  const every = s.intervalSeconds ?? s.interval;
  if (typeof every === 'number') return `every ${every} s${tz}`;
  if (Array.isArray(every) && every.length) return `every ${every.join(' | ')} s${tz}`;
  return JSON.stringify(spec);
}

/** The schedules list response: `{ items: [...] }` or a plain array. */
export function schedulesFromList(body: unknown): ScheduleView[] {
  if (Array.isArray(body)) return body as ScheduleView[];
  const items = (body as { items?: unknown } | undefined)?.items;
  return Array.isArray(items) ? (items as ScheduleView[]) : [];
}

export function formatScheduleTable(schedules: readonly ScheduleView[]): string {
  if (schedules.length === 0) return 'no schedules';
  return formatTable(
    ['id', 'state', 'spec', 'overlap', 'next run'],
    schedules.map((s) => [s.id, s.paused ? 'paused' : 'active', formatScheduleSpec(s.spec), s.overlap ?? '', s.nextRuns?.[0] ?? '']),
  );
}

export function formatSchedule(s: ScheduleView): string {
  const lines = [
    `${s.id}  ${s.paused ? 'paused' : 'active'}  ${formatScheduleSpec(s.spec)}${s.overlap ? `  overlap ${s.overlap}` : ''}`,
  ];
  if (s.nextRuns?.length) lines.push(`next runs: ${s.nextRuns.join(', ')}`);
  for (const r of s.recentRuns ?? []) lines.push(`ran: ${r.startedAt ?? r.scheduledAt ?? '?'}  batch ${r.batchId ?? '?'}`);
  return lines.join('\n');
}
