import { printJson, printLine, type Command } from '../command';
import { expectPositionals } from '../parse-args';

export const batchCancelCommand: Command = {
  name: 'batch-cancel',
  args: '<id>',
  summary: 'cancel a batch and its running videos',
  flags: {},
  async run(ctx, args) {
    const [id] = expectPositionals(args, ['id'], 'batch-cancel');
    const res = await ctx.api.call(ctx.api.typed.DELETE('/api/batches/{id}', { params: { path: { id: id! } } }));
    if (ctx.json) printJson(ctx.io, res);
    else printLine(ctx.io, `cancelling ${id}`);
    return 0;
  },
};
