import {
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  AbortMultipartUploadCommand,
} from '@aws-sdk/client-s3';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ArtifactStore, createSttActivities, S3ObjectStore } from '@vidflow/activities';
import { loadConfig } from '@vidflow/config';
import type { ProbedTranscriptionMedia } from '@vidflow/contracts';
import { FfmpegRunner } from '@vidflow/media';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createAppWithTemporal, fakeTemporal } from '../../../../test/support/fake-temporal';
import { s3Env, startSeaweed, type SeaweedServer } from '../../../../test/support/seaweedfs';
import { UPLOAD_PART_BYTES } from './s3-upload-store';
import { UploadsService } from './uploads.service';

/**
 * Resumable uploads with ARTIFACT_STORE=s3 against a real SeaweedFS: two API processes ("replicas", each with a
 * DATA_DIR of its own, nothing shared but the bucket) take one upload in turns; what a transcription's worker and the
 * media library read is the finished object.
 */
jest.setTimeout(180_000);

const MIB = 1024 * 1024;
const MAX = 64 * MIB;
const TUS = { 'Tus-Resumable': '1.0.0' };
const OCTETS = 'application/offset+octet-stream';

function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}

function sha256(data: Buffer): string {
  return `sha256 ${createHash('sha256').update(data).digest('base64')}`;
}

/** A 16 kHz mono 16-bit PCM WAV of `dataBytes` bytes of noise: media ffprobe reads, of any size. */
function wav(dataBytes: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(16_000, 24);
  header.writeUInt32LE(32_000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(dataBytes, 40);
  return Buffer.concat([header, randomBytes(dataBytes)]);
}

/** Every file under `dir` with its size (what a host keeps on its own disk). */
function filesUnder(dir: string): Array<{ path: string; bytes: number }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => ({ path: join(e.parentPath, e.name), bytes: statSync(join(e.parentPath, e.name)).size }));
}

describe('tus uploads in the bucket (ARTIFACT_STORE=s3)', () => {
  let seaweed: SeaweedServer;
  let s3: S3ObjectStore;
  const apps: NestExpressApplication[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    seaweed = await startSeaweed();
    s3 = new S3ObjectStore(seaweed.config);
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    s3?.client.destroy();
    await seaweed?.stop();
  });

  function tempDir(label: string): string {
    const dir = mkdtempSync(join(tmpdir(), `vidflow-s3-uploads-${label}-`));
    dirs.push(dir);
    return dir;
  }

  /** One API process on a DATA_DIR of its own, pointed at the bucket, with an in-memory Temporal. */
  async function replica(label: string) {
    const dataDir = tempDir(label);
    const config = loadConfig({ DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:1', UPLOAD_MAX_BYTES: String(MAX), ...s3Env(seaweed) });
    const temporal = fakeTemporal();
    const probed: Array<{ path: string; name: string }> = [];
    // POST /api/media asks a worker to sniff the file: this one says audio (the bytes are a WAV).
    Object.assign(temporal.client.workflow, {
      execute: async (_type: string, o: { args: [{ path: string; name: string }] }) => {
        probed.push(o.args[0]);
        return { kind: 'audio', format: 'wav', durationSeconds: 1 };
      },
    });
    const app = await createAppWithTemporal(config, temporal.client);
    apps.push(app);
    const http = () => request(app.getHttpServer());
    return { app, http, dataDir, config, temporal, probed, service: app.get(UploadsService) };
  }
  type Replica = Awaited<ReturnType<typeof replica>>;

  async function create(api: Replica, length: number, filename = 'talk.wav'): Promise<string> {
    const res = await api
      .http()
      .post('/api/uploads')
      .set({ ...TUS, 'Upload-Length': String(length), 'Upload-Metadata': `filename ${b64(filename)}` })
      .expect(201);
    expect(res.headers.location).toMatch(/^\/api\/uploads\/upl-[0-9a-f]{32}$/);
    return res.headers.location as string;
  }

  async function offsetOf(api: Replica, location: string): Promise<number> {
    const res = await api.http().head(location).set(TUS).expect(200);
    return Number(res.headers['upload-offset']);
  }

  function patch(api: Replica, location: string, offset: number, chunk: Buffer, headers: Record<string, string> = {}) {
    return api
      .http()
      .patch(location)
      .set({ ...TUS, 'Upload-Offset': String(offset), 'Content-Type': OCTETS, ...headers })
      .send(chunk);
  }

  const idOf = (location: string) => location.split('/').pop()!;

  /** The bucket's keys that start with `prefix`, with their sizes. */
  async function objects(prefix: string): Promise<Record<string, number>> {
    const res = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
    return Object.fromEntries((res.Contents ?? []).map((o) => [o.Key!, o.Size ?? 0]));
  }

  async function openMultipart(prefix: string): Promise<string[]> {
    const res = await s3.client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: prefix }));
    return (res.Uploads ?? []).map((u) => u.Key!);
  }

  /** The sizes of the parts the upload's multipart upload holds so far. */
  async function parts(id: string): Promise<number[]> {
    const info = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${id}.info` }));
    const res = await s3.client.send(new ListPartsCommand({ Bucket: s3.bucket, Key: id, UploadId: info.Metadata!['upload-id'] }));
    return (res.Parts ?? []).map((p) => p.Size ?? 0);
  }

  async function objectBytes(key: string): Promise<Buffer | undefined> {
    const body = await s3.read(key);
    if (!body) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** Rewrites an upload's description in the bucket as if it had been created `ms` ago (its other fields kept). */
  async function backdate(id: string, ms: number): Promise<void> {
    const res = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `${id}.info` }));
    const info = JSON.parse(await res.Body!.transformToString()) as { creation_date: string };
    info.creation_date = new Date(Date.now() - ms).toISOString();
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${id}.info`, Body: JSON.stringify(info), Metadata: res.Metadata }));
  }

  async function listen(api: Replica): Promise<{ server: Server; port: number }> {
    const server = api.app.getHttpServer().listen(0, '127.0.0.1') as Server;
    await new Promise((resolve) => server.once('listening', resolve));
    return { server, port: (server.address() as AddressInfo).port };
  }

  /** Waits for a state of the server (not a clock); gives up after a minute, so a broken server fails instead of hanging. */
  async function until(what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('takes one upload in chunks on two replicas, resumes after a broken PATCH, and shows the object only once complete', async () => {
    const a = await replica('a');
    const b = await replica('b');
    const data = wav(20 * MIB + 12_344);
    const location = await create(a, data.length);
    const id = idOf(location);

    // Replica B knows the upload A created: size, metadata, offset 0, from the bucket.
    const head = await b.http().head(location).set(TUS).expect(200);
    expect(head.headers).toMatchObject({ 'upload-offset': '0', 'upload-length': String(data.length), 'upload-metadata': `filename ${b64('talk.wav')}`, 'cache-control': 'no-store' });
    expect(Object.keys(await objects(id))).toEqual([`${id}.info`]);
    expect(await openMultipart(id)).toEqual([id]);

    // 5 MiB: less than a part, kept as the tail object; then 6 MiB on B: one 8 MiB part and a 3 MiB tail.
    expect((await patch(a, location, 0, data.subarray(0, 5 * MIB)).expect(204)).headers['upload-offset']).toBe(String(5 * MIB));
    expect(await parts(id)).toEqual([]);
    expect(await objects(`${id}.part`)).toEqual({ [`${id}.part`]: 5 * MIB });
    expect((await patch(b, location, 5 * MIB, data.subarray(5 * MIB, 11 * MIB)).expect(204)).headers['upload-offset']).toBe(String(11 * MIB));
    expect(await parts(id)).toEqual([UPLOAD_PART_BYTES]);
    expect(await objects(`${id}.part`)).toEqual({ [`${id}.part`]: 3 * MIB });
    expect(await offsetOf(a, location)).toBe(11 * MIB);
    // A stale offset changes nothing.
    await patch(a, location, 0, data.subarray(0, 10)).expect(409);

    // A PATCH on A announcing the rest sends 7 MiB and loses its connection once a second part is in the bucket.
    const { server, port } = await listen(a);
    const broken = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'PATCH',
      path: location,
      headers: { ...TUS, 'Upload-Offset': String(11 * MIB), 'Content-Type': OCTETS, 'Content-Length': String(data.length - 11 * MIB) },
    });
    broken.on('error', () => undefined);
    broken.write(data.subarray(11 * MIB, 18 * MIB));
    await until('a second part in the bucket', async () => (await parts(id)).length === 2).catch((err: Error) => {
      broken.destroy();
      throw err;
    });
    broken.destroy();
    // A answers once its PATCH has stored what arrived (its lock); B reads the same from the bucket.
    const kept = await offsetOf(a, location);
    expect(kept).toBeGreaterThanOrEqual(2 * UPLOAD_PART_BYTES);
    expect(kept).toBeLessThanOrEqual(18 * MIB);
    expect(await offsetOf(b, location)).toBe(kept);
    await new Promise((resolve) => server.close(resolve));

    // Not complete: no object, refused where a finished upload is needed (422 naming the field).
    expect(await s3.stat(id)).toBeUndefined();
    const early = await b.http().post('/api/transcriptions').send({ source: { upload: id } }).expect(422);
    expect(early.body.error.details).toEqual([{ field: 'source.upload', message: expect.stringContaining(`not complete (${kept} of ${data.length} bytes)`) }]);

    // B takes the rest from the offset: the object is there, exactly the bytes, and nothing else of the upload is left.
    expect((await patch(b, location, kept, data.subarray(kept)).expect(204)).headers['upload-offset']).toBe(String(data.length));
    expect((await objectBytes(id))!.equals(data)).toBe(true);
    expect(await objects(id)).toEqual({ [id]: data.length, [`${id}.info`]: expect.any(Number) });
    expect(await openMultipart(id)).toEqual([]);
    expect(await offsetOf(a, location)).toBe(data.length);
    await expect(a.service.finished(id, 'source.upload')).resolves.toMatchObject({ id, key: id, size: data.length, offset: data.length, metadata: { filename: 'talk.wav' } });

    // Neither replica keeps any of the bytes on its disk.
    expect(filesUnder(a.config.uploads.dir)).toEqual([]);
    expect(filesUnder(b.config.uploads.dir)).toEqual([]);
  });

  it('refuses a chunk whose sha256 differs with 460 and sends none of it to the bucket; the right one is stored', async () => {
    const api = await replica('checksum');
    const data = wav(12 * MIB);
    const location = await create(api, data.length);
    const id = idOf(location);
    await patch(api, location, 0, data.subarray(0, 5 * MIB), { 'Upload-Checksum': sha256(data.subarray(0, 5 * MIB)) }).expect(204);

    const wrong = await patch(api, location, 5 * MIB, data.subarray(5 * MIB), { 'Upload-Checksum': sha256(randomBytes(10)) }).expect(460);
    expect(wrong.headers['tus-resumable']).toBe('1.0.0');
    expect(await offsetOf(api, location)).toBe(5 * MIB);
    expect(await parts(id)).toEqual([]);
    expect(await objects(`${id}.part`)).toEqual({ [`${id}.part`]: 5 * MIB });
    expect(filesUnder(api.config.uploads.dir)).toEqual([]);

    // Less than the chunk the digest was made of (as when a client loses part of it): refused alike.
    await patch(api, location, 5 * MIB, data.subarray(5 * MIB, 7 * MIB), { 'Upload-Checksum': sha256(data.subarray(5 * MIB)) }).expect(460);
    expect(await offsetOf(api, location)).toBe(5 * MIB);

    await patch(api, location, 5 * MIB, data.subarray(5 * MIB), { 'Upload-Checksum': sha256(data.subarray(5 * MIB)) }).expect(204);
    expect((await objectBytes(id))!.equals(data)).toBe(true);
    expect(filesUnder(api.config.uploads.dir)).toEqual([]);
  });

  it('gives a transcription the object (the worker downloads it to its own DATA_DIR) and the media library its bytes', async () => {
    const api = await replica('read');
    const data = wav(48_000);
    const created = await api
      .http()
      .post('/api/uploads')
      .set({ ...TUS, 'Upload-Length': String(data.length), 'Upload-Metadata': `filename ${b64('hello.wav')}`, 'Content-Type': OCTETS, 'Upload-Checksum': sha256(data) })
      .send(data)
      .expect(201);
    const id = idOf(created.headers.location as string);

    const res = await api.http().post('/api/transcriptions').send({ source: { upload: id } }).expect(202);
    const run = api.temporal.runs.get(res.body.id)!;
    expect(run.input.media).toEqual({ object: id });

    // The probe, first activity of the transcription, on a worker host sharing nothing with the API but the bucket.
    const workerDir = tempDir('worker');
    const stt = createSttActivities({
      store: new ArtifactStore(workerDir, { finished: new S3ObjectStore(seaweed.config) }),
      ffmpeg: new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' }),
      speech: {},
      scriptWriters: {},
      renderPreset: 'ultrafast',
    });
    const probed: ProbedTranscriptionMedia = await new MockActivityEnvironment().run(stt.probeTranscriptionMedia, { transcriptionId: res.body.id, media: run.input.media });
    expect(probed).toMatchObject({ source: `transcriptions/${res.body.id}/work/source`, hasVideo: false, audioCodec: 'pcm_s16le' });
    expect(probed.durationSeconds).toBeCloseTo(1.5, 2);
    expect(readFileSync(join(workerDir, probed.source)).equals(data)).toBe(true);
    // Whole or nothing: no scratch left beside it.
    expect(filesUnder(workerDir).map((f) => f.path)).toEqual([join(workerDir, probed.source)]);

    // The media library copies the finished upload from the bucket (and it stays there).
    const media = await api.http().post('/api/media').send({ upload: id }).expect(201);
    expect(media.body).toMatchObject({ name: 'hello.wav', kind: 'audio', bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') });
    expect(readFileSync(join(api.dataDir, 'library', 'files', media.body.id)).equals(data)).toBe(true);
    expect(api.probed).toHaveLength(1);
    expect(await s3.stat(id)).toMatchObject({ bytes: data.length });

    // An object that is gone by the time the worker looks fails the transcription at once, naming the source.
    await api.http().delete(`/api/uploads/${id}`).set(TUS).expect(204);
    await expect(new MockActivityEnvironment().run(stt.probeTranscriptionMedia, { transcriptionId: 'trn-gone', media: { object: id } })).rejects.toMatchObject({
      type: 'BadMedia',
      nonRetryable: true,
      message: expect.stringMatching(/^source: .*no longer in the artifact bucket/),
    });
  });

  it('removes abandoned uploads past the expiry with their multipart uploads, and keeps fresh, finished, in-flight and foreign ones', async () => {
    const a = await replica('expiry-a');
    const b = await replica('expiry-b');
    const abandoned = idOf(await create(a, 100));
    await patch(a, `/api/uploads/${abandoned}`, 0, Buffer.alloc(40, 1)).expect(204);
    const fresh = idOf(await create(a, 100));
    await patch(a, `/api/uploads/${fresh}`, 0, Buffer.alloc(40, 2)).expect(204);
    const finished = idOf(await create(a, 10));
    await patch(a, `/api/uploads/${finished}`, 0, Buffer.alloc(10, 3)).expect(204);
    // The artifact store's own multipart upload of a video in progress: not an upload of tus's.
    const foreign = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: 'videos/vid-x.mp4' }));
    expect(await b.service.removeExpired()).toBe(0);

    // Two days ago (past the default expiry of a day).
    for (const id of [abandoned, finished]) await backdate(id, 2 * 86_400_000);
    // B (which has read none of them yet) says so; a finished upload does not expire.
    await b.http().head(`/api/uploads/${abandoned}`).set(TUS).expect(410);
    await patch(b, `/api/uploads/${abandoned}`, 40, Buffer.alloc(60)).expect(410);
    expect(await offsetOf(b, `/api/uploads/${finished}`)).toBe(10);
    expect(await offsetOf(b, `/api/uploads/${fresh}`)).toBe(40);

    // One B is receiving a checksummed chunk for right now, backdated while the PATCH runs.
    const inflightLocation = await create(b, 1000);
    const inflight = idOf(inflightLocation);
    const chunk = randomBytes(1000);
    const { server, port } = await listen(b);
    const pending = new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'PATCH',
          path: inflightLocation,
          headers: { ...TUS, 'Upload-Offset': '0', 'Content-Type': OCTETS, 'Content-Length': '1000', 'Upload-Checksum': sha256(chunk) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      req.write(chunk.subarray(0, 400));
      // The rest once B is spooling the chunk (its state on disk, not a clock).
      until('the chunk being spooled', async () => filesUnder(join(b.config.uploads.dir, 'spool')).some((f) => f.bytes === 400))
        .then(async () => {
          await backdate(inflight, 2 * 86_400_000);
          expect(await b.service.removeExpired()).toBe(1);
          req.end(chunk.subarray(400));
        })
        .catch((err: unknown) => {
          req.destroy();
          reject(err);
        });
    });
    expect(await pending).toBe(204);
    await new Promise((resolve) => server.close(resolve));

    // The abandoned one is gone from the bucket, multipart upload included; the rest are as they were.
    expect(await objects(abandoned)).toEqual({});
    expect(await openMultipart(abandoned)).toEqual([]);
    await a.http().head(`/api/uploads/${abandoned}`).set(TUS).expect(404);
    await b.http().head(`/api/uploads/${abandoned}`).set(TUS).expect(404);
    expect(await openMultipart(fresh)).toEqual([fresh]);
    expect(await offsetOf(a, `/api/uploads/${fresh}`)).toBe(40);
    expect((await objectBytes(finished))!.equals(Buffer.alloc(10, 3))).toBe(true);
    expect((await objectBytes(inflight))!.equals(chunk)).toBe(true);
    expect(await openMultipart('videos/')).toEqual(['videos/vid-x.mp4']);
    await s3.client.send(new AbortMultipartUploadCommand({ Bucket: s3.bucket, Key: 'videos/vid-x.mp4', UploadId: foreign.UploadId }));
  });

  it('takes an upload whose multipart upload the bucket aborted (a lifecycle rule) for gone, not finished, and sweeps what is left', async () => {
    const api = await replica('aborted');
    const location = await create(api, 100);
    const id = idOf(location);
    await patch(api, location, 0, Buffer.alloc(40, 7)).expect(204);
    const info = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${id}.info` }));
    await s3.client.send(new AbortMultipartUploadCommand({ Bucket: s3.bucket, Key: id, UploadId: info.Metadata!['upload-id'] }));

    await api.http().head(location).set(TUS).expect(404);
    await patch(api, location, 40, Buffer.alloc(60)).expect(404);
    const res = await api.http().post('/api/transcriptions').send({ source: { upload: id } }).expect(422);
    expect(res.body.error.details).toEqual([{ field: 'source.upload', message: expect.stringContaining('no upload') }]);

    expect(await api.service.removeExpired()).toBe(0);
    await backdate(id, 2 * 86_400_000);
    expect(await api.service.removeExpired()).toBe(1);
    expect(await objects(id)).toEqual({});
  });

  it('completes an empty upload at creation, with an empty object', async () => {
    const api = await replica('empty');
    const created = await api.http().post('/api/uploads').set({ ...TUS, 'Upload-Length': '0' }).expect(201);
    const location = created.headers.location as string;
    expect(created.headers['upload-expires']).toBeUndefined();
    expect(await offsetOf(api, location)).toBe(0);
    expect(await s3.stat(idOf(location))).toMatchObject({ bytes: 0 });
    expect(await openMultipart(idOf(location))).toEqual([]);
    await expect(api.service.finished(idOf(location), 'upload')).resolves.toMatchObject({ size: 0, offset: 0 });
  });

  it('answers bad input with a 4xx that names the header or field, storing nothing', async () => {
    const api = await replica('bad');
    const before = await objects('upl-');
    const noLength = await api.http().post('/api/uploads').set(TUS).expect(400);
    expect(noLength.text).toMatch(/Upload-Length/);
    await api.http().post('/api/uploads').set({ ...TUS, 'Upload-Length': String(MAX + 1) }).expect(413);
    await api.http().post('/api/uploads').set({ ...TUS, 'Upload-Length': '10', 'Upload-Metadata': 'filename not base64!' }).expect(400);
    expect(await objects('upl-')).toEqual(before);

    const location = await create(api, 10);
    const md5 = await patch(api, location, 0, Buffer.alloc(10), { 'Upload-Checksum': `md5 ${b64('0123456789abcdef')}` }).expect(400);
    expect(md5.text).toMatch(/^Upload-Checksum: algorithm md5 is not supported/);
    const untyped = await api.http().patch(location).set({ ...TUS, 'Upload-Offset': '0' }).send(Buffer.alloc(10)).expect(403);
    expect(untyped.text).toMatch(/Content-Type/);
    await patch(api, location, 0, Buffer.alloc(11)).expect(413);
    expect(await offsetOf(api, location)).toBe(0);
    await api.http().head('/api/uploads/upl-0123').set(TUS).expect(404);
    await api.http().head('/api/uploads/upl-00000000000000000000000000000000').set(TUS).expect(404);

    const unknown = await api.http().post('/api/transcriptions').send({ source: { upload: 'upl-00000000000000000000000000000000' } }).expect(422);
    expect(unknown.body.error.details).toEqual([{ field: 'source.upload', message: expect.stringContaining('no upload') }]);
    const unfinished = await api.http().post('/api/media').send({ upload: idOf(location) }).expect(422);
    expect(unfinished.body.error.details).toEqual([{ field: 'upload', message: expect.stringContaining('not complete') }]);
    const malformed = await api.http().post('/api/media').send({ upload: '../etc/passwd' }).expect(400);
    expect(malformed.body.error.details).toEqual([{ field: 'upload', message: expect.stringContaining('finished upload') }]);

    // Termination removes an unfinished upload and a finished one from the bucket, multipart upload included.
    await api.http().delete(location).set(TUS).expect(204);
    expect(await objects(idOf(location))).toEqual({});
    expect(await openMultipart(idOf(location))).toEqual([]);
    const done = await create(api, 3);
    await patch(api, done, 0, Buffer.from('abc')).expect(204);
    await api.http().delete(done).set(TUS).expect(204);
    expect(await objects(idOf(done))).toEqual({});
    await api.http().head(done).set(TUS).expect(404);
  });
});
