import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@vidflow/config';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../create-app';
import { UploadsService } from './uploads.service';

const KEY = 'upload-test-key';
const MAX = 4 * 1024 * 1024;
const TUS = { 'Tus-Resumable': '1.0.0', Authorization: `Bearer ${KEY}` };
const OCTETS = 'application/offset+octet-stream';

function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}

function sha256(data: Buffer): string {
  return `sha256 ${createHash('sha256').update(data).digest('base64')}`;
}

describe('/api/uploads (tus 1.0.0)', () => {
  let dataDir: string;
  let app: NestExpressApplication;

  async function start(env: Record<string, string> = {}): Promise<NestExpressApplication> {
    const config = loadConfig({ DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:1', API_KEYS: KEY, UPLOAD_MAX_BYTES: String(MAX), ...env });
    app = await createApp(config, { logger: false });
    await app.init();
    return app;
  }
  const http = () => request(app.getHttpServer());
  const uploadsDir = () => join(dataDir, 'uploads');

  async function create(length: number, extra: Record<string, string> = {}): Promise<string> {
    const res = await http()
      .post('/api/uploads')
      .set({ ...TUS, 'Upload-Length': String(length), 'Upload-Metadata': `filename ${b64('talk.mp4')}`, ...extra })
      .expect(201);
    expect(res.headers.location).toMatch(/^\/api\/uploads\/upl-[0-9a-f]{32}$/);
    return res.headers.location as string;
  }

  async function offsetOf(location: string): Promise<number> {
    const res = await http().head(location).set(TUS).expect(200);
    return Number(res.headers['upload-offset']);
  }

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vidflow-uploads-'));
    await start();
  });
  afterEach(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('announces the protocol, its extensions, the size limit and the checksum algorithms', async () => {
    const res = await http().options('/api/uploads').set({ Authorization: `Bearer ${KEY}` }).expect(204);
    expect(res.headers['tus-version']).toBe('1.0.0');
    expect(res.headers['tus-extension']!.split(',').sort()).toEqual(['checksum', 'creation', 'creation-with-upload', 'expiration', 'termination']);
    expect(res.headers['tus-max-size']).toBe(String(MAX));
    expect(res.headers['tus-checksum-algorithm']).toBe('sha1,sha256');
    expect(res.headers['x-request-id']).toBeDefined();
  });

  it('needs the API key like every /api route', async () => {
    const res = await http().post('/api/uploads').set({ 'Tus-Resumable': '1.0.0', 'Upload-Length': '10' }).expect(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
    await http().post('/api/uploads').set({ 'Tus-Resumable': '1.0.0', 'Upload-Length': '10', Authorization: 'Bearer wrong' }).expect(401);
    expect(readdirSync(uploadsDir())).toEqual([]);
  });

  it('creates an upload, takes it in chunks and keeps the exact bytes on disk', async () => {
    const data = randomBytes(300_000);
    const location = await create(data.length);
    expect(await offsetOf(location)).toBe(0);
    const head = await http().head(location).set(TUS).expect(200);
    expect(head.headers['upload-length']).toBe(String(data.length));
    expect(head.headers['upload-metadata']).toBe(`filename ${b64('talk.mp4')}`);
    expect(head.headers['cache-control']).toBe('no-store');

    let offset = 0;
    for (const size of [100_000, 150_000, 50_000]) {
      const res = await http()
        .patch(location)
        .set({ ...TUS, 'Upload-Offset': String(offset), 'Content-Type': OCTETS })
        .send(data.subarray(offset, offset + size))
        .expect(204);
      offset += size;
      expect(res.headers['upload-offset']).toBe(String(offset));
    }
    // A chunk at a stale offset changes nothing.
    await http().patch(location).set({ ...TUS, 'Upload-Offset': '0', 'Content-Type': OCTETS }).send(data.subarray(0, 10)).expect(409);

    const id = location.split('/').pop()!;
    const upload = await app.get(UploadsService).finished(id, 'source.upload');
    expect(upload).toMatchObject({ id, size: data.length, offset: data.length, metadata: { filename: 'talk.mp4' } });
    expect(readFileSync(upload.path!).equals(data)).toBe(true);
  });

  it('takes the first bytes with the creation request (creation-with-upload)', async () => {
    const data = randomBytes(5000);
    const res = await http()
      .post('/api/uploads')
      .set({ ...TUS, 'Upload-Length': '8000', 'Content-Type': OCTETS, 'Upload-Checksum': sha256(data) })
      .send(data)
      .expect(201);
    expect(res.headers['upload-offset']).toBe('5000');
    expect(res.headers['upload-expires']).toBeDefined();
    expect(await offsetOf(res.headers.location as string)).toBe(5000);
  });

  it('refuses a chunk whose sha256 differs with 460 and keeps none of it; the right one is stored', async () => {
    const data = randomBytes(20_000);
    const location = await create(data.length);
    const res = await http()
      .patch(location)
      .set({ ...TUS, 'Upload-Offset': '0', 'Content-Type': OCTETS, 'Upload-Checksum': sha256(randomBytes(10)) })
      .send(data)
      .expect(460);
    expect(res.headers['tus-resumable']).toBe('1.0.0');
    expect(await offsetOf(location)).toBe(0);
    expect(statSync(join(uploadsDir(), location.split('/').pop()!)).size).toBe(0);

    await http().patch(location).set({ ...TUS, 'Upload-Offset': '0', 'Content-Type': OCTETS, 'Upload-Checksum': sha256(data) }).send(data).expect(204);
    expect(await offsetOf(location)).toBe(data.length);
  });

  it('refuses a checksum algorithm it does not support, or a malformed one, with 400', async () => {
    const location = await create(10);
    const md5 = await http()
      .patch(location)
      .set({ ...TUS, 'Upload-Offset': '0', 'Content-Type': OCTETS, 'Upload-Checksum': `md5 ${b64('0123456789abcdef')}` })
      .send(Buffer.alloc(10))
      .expect(400);
    expect(md5.text).toMatch(/md5 is not supported/);
    await http().patch(location).set({ ...TUS, 'Upload-Offset': '0', 'Content-Type': OCTETS, 'Upload-Checksum': 'sha256' }).send(Buffer.alloc(10)).expect(400);
    expect(await offsetOf(location)).toBe(0);
  });

  it('refuses an upload over UPLOAD_MAX_BYTES with 413 before storing anything', async () => {
    await http()
      .post('/api/uploads')
      .set({ ...TUS, 'Upload-Length': String(MAX + 1) })
      .expect(413);
    await http()
      .post('/api/uploads')
      .set({ ...TUS, 'Upload-Length': String(MAX + 1), 'Content-Type': OCTETS })
      .send(randomBytes(1000))
      .expect(413);
    expect(readdirSync(uploadsDir())).toEqual([]);
    // A length it cannot know in advance is not accepted either (no creation-defer-length).
    await http().post('/api/uploads').set({ ...TUS, 'Upload-Defer-Length': '1' }).expect(501);
  });

  it('keeps what arrived before a connection broke off, answers it on HEAD, and resumes after an API restart', async () => {
    const data = randomBytes(1024 * 1024);
    const location = await create(data.length);
    const file = join(uploadsDir(), location.split('/').pop()!);
    const server = app.getHttpServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;

    // A PATCH announcing the whole file that sends 256 KiB and then loses its connection.
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'PATCH',
      path: location,
      headers: { ...TUS, 'Upload-Offset': '0', 'Content-Type': OCTETS, 'Content-Length': String(data.length) },
    });
    req.on('error', () => undefined);
    req.write(data.subarray(0, 256 * 1024));
    // Waits on the server's state (bytes on its disk), not on a clock.
    while (statSync(file).size === 0) await new Promise((resolve) => setImmediate(resolve));
    req.destroy();

    const kept = await offsetOf(location);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(256 * 1024);
    expect(statSync(file).size).toBe(kept);
    await new Promise((resolve) => server.close(resolve));

    // The API goes away and comes back on the same DATA_DIR: the upload resumes at its offset.
    await app.close();
    await start();
    expect(await offsetOf(location)).toBe(kept);
    await http()
      .patch(location)
      .set({ ...TUS, 'Upload-Offset': String(kept), 'Content-Type': OCTETS })
      .send(data.subarray(kept))
      .expect(204);
    expect(await offsetOf(location)).toBe(data.length);
    expect(readFileSync(file).equals(data)).toBe(true);
  });

  it('removes unfinished uploads past UPLOAD_EXPIRY_SECONDS and keeps finished ones', async () => {
    const unfinished = await create(100);
    await http().patch(unfinished).set({ ...TUS, 'Upload-Offset': '0', 'Content-Type': OCTETS }).send(Buffer.alloc(40)).expect(204);
    const finished = await create(10);
    await http().patch(finished).set({ ...TUS, 'Upload-Offset': '0', 'Content-Type': OCTETS }).send(Buffer.alloc(10)).expect(204);
    const service = app.get(UploadsService);
    expect(await service.removeExpired()).toBe(0);

    // Both were created two days ago (past the default expiry of one day).
    for (const location of [unfinished, finished]) {
      const info = join(uploadsDir(), `${location.split('/').pop()}.json`);
      const json = JSON.parse(readFileSync(info, 'utf8')) as { creation_date: string };
      json.creation_date = new Date(Date.now() - 2 * 86400 * 1000).toISOString();
      writeFileSync(info, JSON.stringify(json));
    }
    await http().head(unfinished).set(TUS).expect(410);
    await http().patch(unfinished).set({ ...TUS, 'Upload-Offset': '40', 'Content-Type': OCTETS }).send(Buffer.alloc(60)).expect(410);
    expect(await offsetOf(finished)).toBe(10);

    expect(await service.removeExpired()).toBe(1);
    const unfinishedId = unfinished.split('/').pop()!;
    expect(existsSync(join(uploadsDir(), unfinishedId))).toBe(false);
    expect(existsSync(join(uploadsDir(), `${unfinishedId}.json`))).toBe(false);
    await http().head(unfinished).set(TUS).expect(404);
    expect(await offsetOf(finished)).toBe(10);
  });

  it('terminates an upload with DELETE', async () => {
    const location = await create(100);
    await http().delete(location).set(TUS).expect(204);
    await http().head(location).set(TUS).expect(404);
    expect(readdirSync(uploadsDir())).toEqual([]);
  });

  it('says 404 for ids it never handed out, and 422 naming the field for unknown or unfinished uploads', async () => {
    await http().head('/api/uploads/../../etc').set(TUS).expect(404);
    await http().head('/api/uploads/upl-0123').set(TUS).expect(404);
    const service = app.get(UploadsService);
    await expect(service.finished('upl-00000000000000000000000000000000', 'source.upload')).rejects.toMatchObject({
      status: 422,
      details: [{ field: 'source.upload', message: expect.stringContaining('no upload') }],
    });
    const location = await create(100);
    await expect(service.finished(location.split('/').pop()!, 'source.upload')).rejects.toMatchObject({ status: 422, message: expect.stringContaining('not complete') });
  });

  it('lets a listed browser origin upload and read the tus headers, and no other origin', async () => {
    await app.close();
    await start({ CORS_ORIGINS: 'https://studio.example' });
    const preflight = await http()
      .options('/api/uploads')
      .set({ Origin: 'https://studio.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'tus-resumable, upload-length' })
      .expect(204);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Upload-Length/);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Upload-Checksum/);

    const created = await http()
      .post('/api/uploads')
      .set({ ...TUS, Origin: 'https://studio.example', 'Upload-Length': '10' })
      .expect(201);
    expect(created.headers['access-control-allow-origin']).toBe('https://studio.example');
    expect(created.headers['access-control-expose-headers']).toMatch(/Location/);
    expect(created.headers['access-control-expose-headers']).toMatch(/Upload-Offset/);

    const other = await http()
      .post('/api/uploads')
      .set({ ...TUS, Origin: 'https://evil.example', 'Upload-Length': '10' })
      .expect(201);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
