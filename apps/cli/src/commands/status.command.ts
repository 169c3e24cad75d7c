import { expectPositionals } from '../parse-args';
import { printJson, printLine, type Command } from '../command';
import { formatVideoStatus } from '../format-video-progress';

export const statusCommand: Command = {
  name: 'status',
  args: '<id>',
  summary: "show a video's status, stages, result or error",
  flags: {},
  async run(ctx, args) {
    const [id] = expectPositionals(args, ['id'], 'status');
    const s = await ctx.api.call(ctx.api.typed.GET('/api/videos/{id}', { params: { path: { id: id! } } }));
    if (ctx.json) printJson(ctx.io, s);
    else printLine(ctx.io, formatVideoStatus(s));
    return 0;
  },
};
