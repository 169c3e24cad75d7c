import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { ApiError } from '../api-error';
import { expectPositionals, stringFlag } from '../parse-args';
import { printJson, printLine, type Command } from '../command';
import { formatBytes } from '../format-video-progress';

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
    const { data: body, response: res } = await ctx.api.settle(
      ctx.api.typed.GET('/api/videos/{id}/file', { params: { path: { id: id! } }, parseAs: 'stream', headers: { Accept: 'video/mp4' } }),
    );
    if (!body) throw new ApiError(`the API sent no body for video ${id}`, res.status, 'BAD_RESPONSE');
    const expected = Number(res.headers.get('content-length') ?? NaN);
    // Same directory as the target, so the rename is atomic (one filesystem).
    const partial = `${target}.${process.pid}.part`;
    try {
      await pipeline(Readable.fromWeb(body as unknown as NodeReadableStream<Uint8Array>), createWriteStream(partial, { flags: 'wx' }));
      const { size } = await stat(partial);
      if (Number.isFinite(expected) && size !== expected) {
        throw new ApiError(`download of ${id} stopped early: ${size} of ${expected} bytes`, res.status, 'INCOMPLETE');
      }
      await rename(partial, target);
      if (ctx.json) printJson(ctx.io, { id, file: target, bytes: size });
      else printLine(ctx.io, `${target}  (${formatBytes(size)})`);
      return 0;
    } finally {
      await rm(partial, { force: true });
    }
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
