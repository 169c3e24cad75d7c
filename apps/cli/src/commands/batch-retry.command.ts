import { followBatch } from '../batch-api';
import { printJson, printLine, type Command } from '../command';
import { expectPositionals } from '../parse-args';

export const batchRetryCommand: Command = {
  name: 'batch-retry',
  args: '<id> [--wait]',
  summary: 'run the failed items of a batch again',
  flags: {
    wait: { type: 'boolean', description: 'follow the batch until it ends, like batch --wait' },
  },
  async run(ctx, args) {
    const [id] = expectPositionals(args, ['id'], 'batch-retry');
    const res = await ctx.api.call(ctx.api.typed.POST('/api/batches/{id}/retry', { params: { path: { id: id! } } }));
    const batchId = res.id;
    if (!args.flags.wait) {
      if (ctx.json) printJson(ctx.io, res);
      else printLine(ctx.io, `retrying the failed items of ${batchId}`);
      return 0;
    }
    if (!ctx.json) printLine(ctx.io, `retrying the failed items of ${batchId}`);
    await followBatch(ctx, batchId);
    return 0;
  },
};
