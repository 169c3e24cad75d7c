import type { ApiSchemas } from '@vidflow/api-client';
import { printJson, printLine, type Command } from '../command';
import { formatSchedule, formatScheduleTable, schedulesFromList } from '../format-schedules';
import { expectPositionals, numberFlag, stringFlag } from '../parse-args';
import { UsageError } from '../usage-error';
import { readBatchFile } from './batch.command';

const createSchedule: Command = {
  name: 'schedules create',
  args: '--id ID (--cron EXPR | --interval SECONDS) --batch FILE [--timezone TZ] [--overlap POLICY] [--paused]',
  summary: 'run a batch on a timetable (POST /api/schedules)',
  details: 'The batch file is the same JSON or CSV file `vidflow batch` takes.',
  flags: {
    id: { type: 'string', value: 'ID', description: 'schedule id (also its name in the Temporal UI)' },
    cron: { type: 'string', value: 'EXPR', description: 'cron expression, e.g. "0 3 * * *"' },
    interval: { type: 'integer', value: 'SECONDS', description: 'run every this many seconds' },
    timezone: { type: 'string', value: 'TZ', description: 'IANA time zone of the cron expression (default UTC)' },
    overlap: { type: 'string', value: 'POLICY', description: 'when a run is still going: skip | buffer_one | allow_all' },
    paused: { type: 'boolean', description: 'create it paused' },
    batch: { type: 'string', value: 'FILE', description: 'the batch to run (JSON or CSV, as for `vidflow batch`)' },
    'max-concurrent': { type: 'integer', value: 'N', description: "overrides the batch file's maxConcurrent" },
    'stop-on-error': { type: 'boolean', description: 'each run stops at its first failure' },
  },
  async run(ctx, args) {
    expectPositionals(args, [], 'schedules create');
    const id = stringFlag(args, 'id');
    if (!id) throw new UsageError('--id is required', 'schedules create');
    const cron = stringFlag(args, 'cron');
    const interval = numberFlag(args, 'interval');
    if ((cron === undefined) === (interval === undefined)) {
      throw new UsageError('exactly one of --cron or --interval is required', 'schedules create');
    }
    const file = stringFlag(args, 'batch');
    if (!file) throw new UsageError('--batch FILE is required', 'schedules create');
    const batch = readBatchFile(ctx.io.cwd, file, 'schedules create');
    if (numberFlag(args, 'max-concurrent') !== undefined) batch.maxConcurrent = numberFlag(args, 'max-concurrent');
    if (args.flags['stop-on-error'] === true) batch.stopOnError = true;
    const body = {
      id,
      ...(cron !== undefined ? { cron } : { intervalSeconds: interval }),
      ...(stringFlag(args, 'timezone') ? { timezone: stringFlag(args, 'timezone') } : {}),
      // Not checked here: the API refuses an unknown policy with a message naming `overlap`.
      ...(stringFlag(args, 'overlap') ? { overlap: stringFlag(args, 'overlap') as ApiSchemas['ScheduleRequest']['overlap'] } : {}),
      ...(args.flags.paused === true ? { paused: true } : {}),
      batch,
    };
    const created = await ctx.api.call(ctx.api.typed.POST('/api/schedules', { body }));
    if (ctx.json) printJson(ctx.io, created);
    else printLine(ctx.io, created.id);
    return 0;
  },
};

const listSchedules: Command = {
  name: 'schedules list',
  args: '',
  summary: 'list schedules with their next run',
  flags: {},
  async run(ctx, args) {
    expectPositionals(args, [], 'schedules list');
    const body = await ctx.api.call(ctx.api.typed.GET('/api/schedules'));
    if (ctx.json) printJson(ctx.io, body);
    else printLine(ctx.io, formatScheduleTable(schedulesFromList(body)));
    return 0;
  },
};

const showSchedule: Command = {
  name: 'schedules show',
  args: '<id>',
  summary: 'one schedule: spec, next runs, recent runs with their batch ids',
  flags: {},
  async run(ctx, args) {
    const [id] = expectPositionals(args, ['id'], 'schedules show');
    const s = await ctx.api.call(ctx.api.typed.GET('/api/schedules/{id}', { params: { path: { id: id! } } }));
    if (ctx.json) printJson(ctx.io, s);
    else printLine(ctx.io, formatSchedule(s));
    return 0;
  },
};

function scheduleAction(action: 'pause' | 'unpause' | 'trigger' | 'delete', summary: string, done: string): Command {
  const name = `schedules ${action}`;
  return {
    name,
    args: '<id>',
    summary,
    flags: {},
    async run(ctx, args) {
      const [id] = expectPositionals(args, ['id'], name);
      const params = { path: { id: id! } };
      // A delete answers 204: there is nothing to show but what was done.
      let res: unknown = { id, action };
      if (action === 'delete') await ctx.api.settle(ctx.api.typed.DELETE('/api/schedules/{id}', { params }));
      else res = await ctx.api.call(ctx.api.typed.POST(`/api/schedules/{id}/${action}`, { params }));
      if (ctx.json) printJson(ctx.io, res);
      else printLine(ctx.io, `${done} ${id}`);
      return 0;
    },
  };
}

export const scheduleCommands: readonly Command[] = [
  createSchedule,
  listSchedules,
  showSchedule,
  scheduleAction('pause', 'pause a schedule', 'paused'),
  scheduleAction('unpause', 'resume a paused schedule', 'unpaused'),
  scheduleAction('trigger', 'start a run now', 'triggered'),
  scheduleAction('delete', 'delete a schedule (running batches go on)', 'deleted'),
];
