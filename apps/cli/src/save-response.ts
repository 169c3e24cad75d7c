import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { ApiError } from './api-error';

/**
 * Writes a response body to a temporary file next to `target` and renames it into place once all of it
 * (Content-Length) arrived: never a half-written file. Resolves to the size.
 */
export async function saveResponse(res: Response, target: string, what: string): Promise<number> {
  if (!res.body) throw new ApiError(`the API sent no body for ${what}`, res.status, 'BAD_RESPONSE');
  const expected = Number(res.headers.get('content-length') ?? NaN);
  // Same directory as the target, so the rename is atomic (one filesystem).
  const partial = `${target}.${process.pid}.part`;
  try {
    await pipeline(Readable.fromWeb(res.body as unknown as NodeReadableStream<Uint8Array>), createWriteStream(partial, { flags: 'wx' }));
    const { size } = await stat(partial);
    if (Number.isFinite(expected) && size !== expected) {
      throw new ApiError(`download of ${what} stopped early: ${size} of ${expected} bytes`, res.status, 'INCOMPLETE');
    }
    await rename(partial, target);
    return size;
  } finally {
    await rm(partial, { force: true });
  }
}
