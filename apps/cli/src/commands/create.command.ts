import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildVideoRequest } from '../build-video-request';
import { printJson, printLine, type Command } from '../command';
import { followVideo } from '../follow-video';
import { requestOptionFlags } from '../request-options';

export const createCommand: Command = {
  name: 'create',
  args: '(--topic TEXT | --script TEXT | --script-file FILE | --scenes FILE) [options]',
  summary: 'make one video (POST /api/videos) and print its id',
  details:
    'A scenes file is JSON: [{ "text": "...", "background": { "color": "#223344" } }, ...], ["text", ...]\n' +
    'or { "scenes": [...] }. Values are checked by the API, whose message names the request field.',
  flags: {
    topic: { type: 'string', value: 'TEXT', description: 'write the script about this topic' },
    script: { type: 'string', value: 'TEXT', description: 'narrate this text' },
    'script-file': { type: 'string', value: 'FILE', description: 'narrate the text in this file' },
    scenes: { type: 'string', value: 'FILE', description: 'JSON file with the scenes' },
    ...requestOptionFlags(),
    wait: { type: 'boolean', description: 'follow the video like `watch` until it ends' },
  },
  async run(ctx, args) {
    const body = buildVideoRequest(args, (path) => readFileSync(resolve(ctx.io.cwd, path), 'utf8'));
    const created = await ctx.api.call(ctx.api.typed.POST('/api/videos', { body }));
    if (!args.flags.wait) {
      if (ctx.json) printJson(ctx.io, created);
      else printLine(ctx.io, created.id);
      return 0;
    }
    // With --json only the final status is printed, so stdout stays one JSON document.
    if (!ctx.json) printLine(ctx.io, created.id);
    await followVideo(ctx, created.id);
    return 0;
  },
};
