import { z } from 'zod';
import { BatchRequestSchema, type BatchRequest } from './batch';

export const ScheduleRequestSchema = z
  .strictObject({
    id: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/, 'must be 1-64 letters, digits or ._- starting with a letter or digit'),
    cron: z.string().trim().min(1).max(200).optional(),
    intervalSeconds: z.number().int().min(1).max(366 * 24 * 3600).optional(),
    timezone: z
      .string()
      .default('UTC')
      .refine(isTimeZone, { message: 'unknown time zone (use an IANA name such as "Europe/Paris")' }),
    overlap: z.enum(['skip', 'buffer_one', 'allow_all']).default('skip'),
    paused: z.boolean().default(false),
    batch: BatchRequestSchema,
  })
  .superRefine((value, ctx) => {
    if ((value.cron === undefined) === (value.intervalSeconds === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['cron'], message: 'exactly one of cron or intervalSeconds is required' });
    }
  });
export type ScheduleRequest = z.output<typeof ScheduleRequestSchema>;

export interface ScheduleView {
  id: string;
  spec: { cron?: string[]; intervalSeconds?: number[]; timezone: string };
  paused: boolean;
  overlap: 'skip' | 'buffer_one' | 'allow_all';
  /** The batch each run starts, with its defaults applied. */
  batch?: BatchRequest;
  nextRuns: string[];
  recentRuns: Array<{ batchId: string; scheduledAt: string; startedAt: string }>;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
