import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { apiPath } from '../api-client';
import { expectPositionals, stringFlag } from '../parse-args';
import { printJson, printLine, type Command } from '../command';
import { formatBytes } from '../format-video-progress';
import { saveResponse } from '../save-response';

export const downloadCommand: Command = {
  name: 'download',
  args: '<id> [-o FILE]',
  summary: "save a completed video's MP4 (refused, with the server's reason, until it is completed)",
  details: 'Writes to a temporary file next to the target and renames it into place: never a half-written MP4.',
  flags: {
    output: { type: 'string', alias: 'o', value: 'FILE', description: 'where to save it (default <id>.mp4; a directory works)' },
  },
  async run(ctx, args) {
    const [id] = expectPositionals(args, ['id'], 'download');
    const target = await targetPath(resolve(ctx.io.cwd, stringFlag(args, 'output') ?? `${id}.mp4`), id!);
    const res = await ctx.api.raw('GET', `${apiPath('videos', id!)}/file`);
    const size = await saveResponse(res, target, `video ${id}`);
    if (ctx.json) printJson(ctx.io, { id, file: target, bytes: size });
    else printLine(ctx.io, `${target}  (${formatBytes(size)})`);
    return 0;
  },
};

/** `-o some/dir` means `some/dir/<id>.mp4`. */
async function targetPath(path: string, id: string): Promise<string> {
  try {
    if ((await stat(path)).isDirectory()) return join(path, `${id}.mp4`);
  } catch {
    // does not exist yet: it is the file name
  }
  return path;
}
