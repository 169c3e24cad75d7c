import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@vidflow/config';
import express from 'express';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createApp } from '../create-app';
import { compressionMiddleware } from './compression.middleware';
import { sendFile } from './send-file';

describe('sendFile (RFC 9110 ranges and validators)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vidflow-send-file-'));
  const path = join(dir, 'clip.mp4');
  const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
  writeFileSync(path, bytes);
  const server = express()
    .use(compressionMiddleware())
    .get('/file', (req, res) => void sendFile(req, res, { path, type: 'video/mp4' }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const get = (headers: Record<string, string> = {}) => {
    const r = request(server).get('/file').buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    for (const [k, v] of Object.entries(headers)) r.set(k, v);
    return r;
  };

  it('sends the whole file with a strong ETag: the hash of its content', async () => {
    const res = await get().expect(200);
    expect(res.body).toEqual(bytes);
    expect(res.headers['etag']).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(res.headers['etag']).toBe(`"${createHash('sha256').update(bytes).digest('base64url').slice(0, 32)}"`);
    expect(res.headers['accept-ranges']).toBe('bytes');
  });

  it('answers If-None-Match with 304', async () => {
    const { headers } = await get().expect(200);
    await get({ 'If-None-Match': headers['etag']! }).expect(304);
    await get({ 'If-None-Match': `W/${headers['etag']}` }).expect(304);
  });

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=4900-', 4900, 4999],
    ['bytes=-10', 4990, 4999],
    ['bytes=4000-99999', 4000, 4999],
  ])('serves %s as 206', async (range, start, end) => {
    const res = await get({ Range: range }).expect(206);
    expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/5000`);
    expect(res.body).toEqual(bytes.subarray(start, end + 1));
  });

  it.each(['bytes=99999999-', 'bytes=5000-', 'bytes=5-2'])('answers %s with 416 and Content-Range: bytes */5000', async (range) => {
    const res = await get({ Range: range }).expect(416);
    expect(res.headers['content-range']).toBe('bytes */5000');
  });

  it('serves several ranges as the whole file (RFC 9110 14.2 lets a server ignore Range)', async () => {
    const res = await get({ Range: 'bytes=0-1,10-20' }).expect(200);
    expect(res.body).toEqual(bytes);
  });

  it('honours If-Range only by strong comparison', async () => {
    const { headers } = await get().expect(200);
    await get({ Range: 'bytes=0-9', 'If-Range': headers['etag']! }).expect(206);
    await get({ Range: 'bytes=0-9', 'If-Range': headers['last-modified']! }).expect(206);
    const weak = await get({ Range: 'bytes=0-9', 'If-Range': `W/${headers['etag']}` }).expect(200);
    expect(weak.body).toEqual(bytes);
    await get({ Range: 'bytes=0-9', 'If-Range': '"another"' }).expect(200);
  });

  it('never compresses media, even when asked', async () => {
    const res = await get({ 'Accept-Encoding': 'gzip, br' }).expect(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body).toEqual(bytes);
  });
});

describe('HTTP semantics of the API', () => {
  let app: NestExpressApplication;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vidflow-http-'));
    const config = loadConfig({ DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:1', CORS_ORIGINS: 'https://studio.example, *' });
    app = await createApp(config, { logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const http = () => request(app.getHttpServer());

  it.each([
    ['gzip', (b: Buffer) => gunzipSync(b)],
    ['br', (b: Buffer) => brotliDecompressSync(b)],
  ])('compresses /docs-json with %s when the client accepts it', async (encoding, decode) => {
    const plain = await http().get('/docs-json').set('Accept-Encoding', 'identity').expect(200);
    const res = await rawGet(app, '/docs-json', { 'Accept-Encoding': encoding });
    expect(res.headers['content-encoding']).toBe(encoding);
    expect(res.headers['vary']).toMatch(/Accept-Encoding/i);
    const body = res.body;
    expect(body.length).toBeLessThan(Buffer.byteLength(plain.text) / 3);
    expect(JSON.parse(decode(body).toString('utf8'))).toEqual(plain.body);
  });

  it('leaves small bodies uncompressed', async () => {
    const res = await http().get('/health/live').set('Accept-Encoding', 'gzip').expect(200);
    expect(res.headers['content-encoding']).toBeUndefined();
  });

  it('never lets errors be stored, and revalidates the document', async () => {
    const err = await http().get('/api/videos/not-an-id').expect(400);
    expect(err.headers['cache-control']).toBe('no-store');
    const doc = await http().get('/docs-json').expect(200);
    expect(doc.headers['cache-control']).toBe('no-cache');
  });

  describe('CORS', () => {
    const allowed = 'https://studio.example';
    const other = 'https://elsewhere.example';

    it('answers a preflight from a listed origin with the methods and headers a client needs', async () => {
      const res = await http()
        .options('/api/videos')
        .set('Origin', allowed)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type, idempotency-key, authorization')
        .expect(204);
      expect(res.headers['access-control-allow-origin']).toBe(allowed);
      expect(res.headers['access-control-allow-methods']).toContain('POST');
      expect(res.headers['access-control-allow-headers']).toMatch(/Authorization.*Content-Type.*Idempotency-Key/);
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(res.headers['vary']).toMatch(/Origin/);
    });

    it('lets a listed origin read the headers of an actual answer', async () => {
      const res = await http().post('/api/videos').set('Origin', allowed).send({}).expect(400);
      expect(res.headers['access-control-allow-origin']).toBe(allowed);
      expect(res.headers['access-control-expose-headers']).toMatch(/Location.*X-Request-Id.*Retry-After.*Content-Range/);
    });

    it('lets any origin read (with *) but not write', async () => {
      const read = await http().get('/api/videos/not-an-id').set('Origin', other).expect(400);
      expect(read.headers['access-control-allow-origin']).toBe('*');
      const preflight = await http().options('/api/videos').set('Origin', other).set('Access-Control-Request-Method', 'POST').expect(204);
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      const write = await http().post('/api/videos').set('Origin', other).send({}).expect(400);
      expect(write.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  it('sends no CORS headers at all by default', async () => {
    const plain = await createApp(loadConfig({ DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:1' }), { logger: false });
    await plain.init();
    try {
      const res = await request(plain.getHttpServer()).options('/api/videos').set('Origin', 'https://a.example').set('Access-Control-Request-Method', 'GET').expect(204);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const get = await request(plain.getHttpServer()).get('/api/videos/x').set('Origin', 'https://a.example');
      expect(get.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});

/** A GET whose body stays as sent (supertest would decompress it). */
async function rawGet(app: NestExpressApplication, path: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  const server = app.getHttpServer() as import('node:http').Server;
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    httpGet({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}
