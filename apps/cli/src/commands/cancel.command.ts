import { expectPositionals } from '../parse-args';
import { printJson, printLine, type Command } from '../command';

export const cancelCommand: Command = {
  name: 'cancel',
  args: '<id>',
  summary: 'cancel a running video (its render stops, partial files are removed)',
  flags: {},
  async run(ctx, args) {
    const [id] = expectPositionals(args, ['id'], 'cancel');
    const res = await ctx.api.call(ctx.api.typed.DELETE('/api/videos/{id}', { params: { path: { id: id! } } }));
    if (ctx.json) printJson(ctx.io, res);
    else printLine(ctx.io, `cancelling ${id}`);
    return 0;
  },
};
