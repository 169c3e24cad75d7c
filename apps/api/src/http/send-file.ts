import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { parseRange } from './parse-range';

/** Content hashes by path, size and mtime: a file is hashed once, not on every request. */
const hashes = new Map<string, Promise<string>>();
const MAX_HASHES = 10_000;

/**
 * A strong ETag (RFC 9110 section 8.8.1): the SHA-256 of the bytes, so two files with the same content
 * share it and a re-rendered file with other bytes never does.
 */
export async function strongEtag(path: string, size: number, mtimeMs: number): Promise<string> {
  const key = `${path}\0${size}\0${mtimeMs}`;
  let hash = hashes.get(key);
  if (!hash) {
    hash = (async () => {
      const h = createHash('sha256');
      await pipeline(createReadStream(path), h);
      return `"${h.digest('base64url').slice(0, 32)}"`;
    })();
    if (hashes.size >= MAX_HASHES) hashes.delete(hashes.keys().next().value!);
    hashes.set(key, hash);
    hash.catch(() => hashes.delete(key));
  }
  return hash;
}

/** True when an If-None-Match list names `etag` (weak comparison, section 13.1.2). */
function noneMatch(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === opaque);
}

/**
 * If-Range (section 13.1.5): the range is served only when the validator matches by strong comparison:
 * an identical strong ETag, or the exact Last-Modified date. A weak ETag never matches.
 */
function ifRangeHolds(header: string | undefined, etag: string, lastModified: string): boolean {
  if (header === undefined) return true;
  const v = header.trim();
  if (v.startsWith('W/')) return false;
  if (v.startsWith('"')) return v === etag;
  return v === lastModified;
}

/**
 * Serves a file with a strong ETag, conditional GET (304), single byte ranges (206), 416 with
 * `Content-Range: bytes *\/<size>` for an unsatisfiable range, and HEAD. The caller has set Cache-Control.
 */
export async function sendFile(req: Request, res: Response, options: { path: string; type: string }): Promise<void> {
  const info = await stat(options.path);
  const etag = await strongEtag(options.path, info.size, info.mtimeMs);
  const lastModified = info.mtime.toUTCString();
  res.setHeader('ETag', etag);
  res.setHeader('Last-Modified', lastModified);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', options.type);

  const inm = req.header('if-none-match');
  if (inm !== undefined && noneMatch(inm, etag)) return void res.status(304).end();

  const range = ifRangeHolds(req.header('if-range'), etag, lastModified) ? parseRange(req.header('range'), info.size) : { kind: 'full' as const };
  if (range.kind === 'unsatisfiable') {
    res.removeHeader('Content-Type');
    res.setHeader('Content-Range', `bytes */${info.size}`);
    res.setHeader('Content-Length', '0');
    return void res.status(416).end();
  }
  const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, info.size - 1];
  if (range.kind === 'partial') {
    res.status(206);
    res.setHeader('Content-Range', `bytes ${start}-${end}/${info.size}`);
  } else {
    res.status(200);
  }
  res.setHeader('Content-Length', String(Math.max(0, end - start + 1)));
  if (req.method === 'HEAD' || info.size === 0) return void res.end();
  try {
    allowPipeListeners(res);
    await pipeline(createReadStream(options.path, { start, end }), res);
  } catch {
    // The client went away mid-file (a player seeking does this all the time): nothing to answer.
    res.destroy();
  }
}

/**
 * Each middleware that watches a response's end (request log, metrics, slow-request log, timeouts, compression)
 * adds a `close` listener, and pipeline() adds its own: about 11 on one file response, past Node's default warning
 * threshold of 10 although nothing accumulates (the response is gone once sent). Raised for this response only.
 */
export function allowPipeListeners(res: NodeJS.EventEmitter): void {
  res.setMaxListeners(Math.max(res.getMaxListeners(), 20));
}
