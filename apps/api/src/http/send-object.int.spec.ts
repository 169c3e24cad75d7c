import { S3ObjectStore } from '@vidflow/activities/object-store';
import express from 'express';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSeaweed, type SeaweedServer } from '../../../../test/support/seaweedfs';
import { sendObject } from './send-object';

/** GET /api/videos/:id/file with ARTIFACT_STORE=s3: the answer's HTTP semantics, streamed from a real SeaweedFS bucket. */
jest.setTimeout(120_000);

let seaweed: SeaweedServer;
let server: Server;
let base: string;
let dir: string;
const data = randomBytes(300_000);

beforeAll(async () => {
  seaweed = await startSeaweed();
  const store = new S3ObjectStore(seaweed.config);
  dir = await mkdtemp(join(tmpdir(), 'vidflow-send-object-'));
  await writeFile(join(dir, 'v.mp4'), data);
  await store.putFile('videos/v.mp4', join(dir, 'v.mp4'), { contentType: 'video/mp4' });
  const app = express();
  app.all('/file/:name', async (req, res) => {
    if (!(await sendObject(req, res, { store, key: `videos/${req.params.name}`, type: 'video/mp4' }))) res.status(404).end('missing');
  });
  await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await seaweed?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sendObject (videos from the bucket)', () => {
  it('streams the whole object with its length, type, ETag and Accept-Ranges', async () => {
    const res = await fetch(`${base}/file/v.mp4`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('content-length')).toBe(String(data.length));
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('etag')).toMatch(/^".+"$/);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(data);
  });

  it('answers a range with 206 and exactly those bytes, a suffix range too', async () => {
    const res = await fetch(`${base}/file/v.mp4`, { headers: { Range: 'bytes=1000-1999' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 1000-1999/${data.length}`);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(data.subarray(1000, 2000));
    const tail = await fetch(`${base}/file/v.mp4`, { headers: { Range: 'bytes=-10' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(data.subarray(data.length - 10));
  });

  it('answers 416 for a range past the end, 304 for a matching If-None-Match, HEAD without a body', async () => {
    const past = await fetch(`${base}/file/v.mp4`, { headers: { Range: `bytes=${data.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${data.length}`);
    const etag = (await fetch(`${base}/file/v.mp4`, { method: 'HEAD' })).headers.get('etag')!;
    expect((await fetch(`${base}/file/v.mp4`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    expect((await fetch(`${base}/file/v.mp4`, { headers: { 'If-None-Match': '"other"' } })).status).toBe(200);
    // If-Range with another validator: the whole file, not the range.
    const stale = await fetch(`${base}/file/v.mp4`, { headers: { Range: 'bytes=0-9', 'If-Range': '"stale"' } });
    expect(stale.status).toBe(200);
    const head = await fetch(`${base}/file/v.mp4`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(data.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('says false for a missing object (the route answers 404)', async () => {
    const res = await fetch(`${base}/file/none.mp4`);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('missing');
  });
});
