import type { ObjectStore } from '@vidflow/activities/object-store';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { parseRange } from './parse-range';
import { allowPipeListeners } from './send-file';

/**
 * sendFile for an object in the bucket (ARTIFACT_STORE=s3): the bucket's ETag as the strong validator (it changes
 * with the bytes), conditional GET (304), one byte range (206, read from the bucket as a ranged GET, so a seek does
 * not fetch the whole video), 416 for a range past the end, and HEAD. Answers false when there is no such object
 * (the caller answers 404). The caller has set Cache-Control.
 */
export async function sendObject(req: Request, res: Response, options: { store: ObjectStore; key: string; type: string }): Promise<boolean> {
  const info = await options.store.stat(options.key);
  if (!info) return false;
  const lastModified = new Date(info.modifiedMs).toUTCString();
  if (info.etag) res.setHeader('ETag', info.etag);
  res.setHeader('Last-Modified', lastModified);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', options.type);

  const inm = req.header('if-none-match');
  if (inm !== undefined && info.etag && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === info.etag)) {
    res.status(304).end();
    return true;
  }
  const ifRange = req.header('if-range')?.trim();
  const rangeHolds = ifRange === undefined || (!ifRange.startsWith('W/') && (ifRange === info.etag || ifRange === lastModified));
  const range = rangeHolds ? parseRange(req.header('range'), info.bytes) : { kind: 'full' as const };
  if (range.kind === 'unsatisfiable') {
    res.removeHeader('Content-Type');
    res.setHeader('Content-Range', `bytes */${info.bytes}`);
    res.setHeader('Content-Length', '0');
    res.status(416).end();
    return true;
  }
  const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, info.bytes - 1];
  if (range.kind === 'partial') {
    res.status(206);
    res.setHeader('Content-Range', `bytes ${start}-${end}/${info.bytes}`);
  } else {
    res.status(200);
  }
  res.setHeader('Content-Length', String(Math.max(0, end - start + 1)));
  if (req.method === 'HEAD' || info.bytes === 0) {
    res.end();
    return true;
  }
  const body = await options.store.read(options.key, range.kind === 'partial' ? { start, end } : undefined);
  if (!body) return false; // removed between the HEAD and the GET
  try {
    allowPipeListeners(res);
    await pipeline(body, res);
  } catch {
    // The client went away mid-file (a player seeking does this all the time): nothing to answer.
    body.destroy();
    res.destroy();
  }
  return true;
}
