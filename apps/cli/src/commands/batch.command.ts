import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { followBatch } from '../batch-api';
import { printJson, printLine, type Command } from '../command';
import { CSV_COLUMNS } from '../csv-to-video-requests';
import { applyBatchFlags, parseBatchFile } from '../parse-batch-file';
import { expectPositionals, numberFlag } from '../parse-args';
import { UsageError } from '../usage-error';

export const batchCommand: Command = {
  name: 'batch',
  args: '<file.json|file.csv> [--max-concurrent N] [--stop-on-error] [--wait]',
  summary: 'start a batch of videos (POST /api/batches) and print its id',
  details:
    'JSON: an array of video requests, or { "items": [...], "defaults": {...}, "maxConcurrent": 5, "stopOnError": false }.\n' +
    `CSV: a header row, then one video per row. Columns: ${CSV_COLUMNS.join(', ')}\n` +
    '(the create flags; - or _ both work; empty cells use the defaults; captions is true/false).\n' +
    'With --wait: exits 1 unless every item completed.',
  flags: {
    'max-concurrent': { type: 'integer', value: 'N', description: 'videos running at once (1..50, default 5)' },
    'stop-on-error': { type: 'boolean', description: 'cancel the rest at the first failure' },
    wait: { type: 'boolean', description: 'follow the batch with a progress bar; print a per-item summary' },
  },
  async run(ctx, args) {
    const [file] = expectPositionals(args, ['file'], 'batch');
    const body = applyBatchFlags(readBatchFile(ctx.io.cwd, file!, 'batch'), {
      maxConcurrent: numberFlag(args, 'max-concurrent'),
      stopOnError: args.flags['stop-on-error'] === true,
    });
    const created = await ctx.api.call(ctx.api.typed.POST('/api/batches', { body }));
    if (!args.flags.wait) {
      if (ctx.json) printJson(ctx.io, created);
      else printLine(ctx.io, created.id);
      return 0;
    }
    if (!ctx.json) printLine(ctx.io, `${created.id}  (${body.items.length} video${body.items.length === 1 ? '' : 's'})`);
    await followBatch(ctx, created.id);
    return 0;
  },
};

/** Reads and parses a batch file; a file that cannot be read or parsed is a usage error (exit 2). */
export function readBatchFile(cwd: string, file: string, command: string) {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`, command);
  }
  try {
    return parseBatchFile({ path: file, text });
  } catch (e) {
    throw new UsageError((e as Error).message, command);
  }
}
