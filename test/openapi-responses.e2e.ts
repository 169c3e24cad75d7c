import type { NestExpressApplication } from '@nestjs/platform-express';
import { cacheKey, openCache } from '@vidflow/cache';
import { loadConfig } from '@vidflow/config';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../apps/api/src/create-app';
import { OpenApiResponses, type OpenApiDoc } from './support/openapi-responses';
import { startTestStack, waitForVideo, waitForVoices, type TestStack } from './support/test-stack';

/**
 * Every route of the OpenAPI document, its successes and its errors, answered by the real stack (API,
 * worker, Temporal, ffmpeg) and validated against the document with ajv (test/support/openapi-responses.ts).
 * The last test fails for any route of the document left without a checked success and a checked error.
 */
describe('real answers of every route validate against the OpenAPI document', () => {
  let stack: TestStack;
  /** API_KEYS set and Temporal unreachable: 401 without the key, 503 with it, /health/ready 503. */
  let keyed: NestExpressApplication;
  let oa: OpenApiResponses;
  const api = () => stack.api;
  const check = (method: string, path: string, res: request.Response) => oa.expectDocumented(method, path, res);

  beforeAll(async () => {
    stack = await startTestStack();
    const dataDir = mkdtempSync(join(process.env.VIDFLOW_TEST_ROOT!, 'keyed-'));
    keyed = await createApp(loadConfig({ DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:1', API_KEYS: 'k1' }), { logger: false });
    await keyed.init();
    oa = new OpenApiResponses((await api().get('/docs-json').expect(200)).body as OpenApiDoc);
  });
  afterAll(async () => {
    await keyed?.close();
    await stack?.stop();
  });

  const finishedBatch = async (id: string) => {
    for (let i = 0; i < 600; i++) {
      const res = await api().get(`/api/batches/${id}`);
      if (res.status === 200 && !['queued', 'running'].includes((res.body as { status: string }).status)) return res;
      await new Promise((r) => setTimeout(r, 300));
    }
    throw new Error(`batch ${id} did not finish`);
  };

  it('videos: submit, status, list, file (full, range, 304, 416), events (200, 204), cancel, and their errors', async () => {
    const key = `k-${randomUUID()}`;
    const body = { script: 'Hello there.', render: { height: 240 } };
    const created = await api().post('/api/videos').set('Idempotency-Key', key).send(body);
    check('post', '/api/videos', created);
    expect(created.status).toBe(202);
    const id = (created.body as { id: string }).id;
    check('post', '/api/videos', await api().post('/api/videos').set('Idempotency-Key', key).send({ script: 'Other.' })); // 409
    check('post', '/api/videos', await api().post('/api/videos').send({})); // 400
    check('post', '/api/videos', await api().post('/api/videos').send({ topic: 'x', llm: { provider: 'openai' } })); // 422
    check('post', '/api/videos', await api().post('/api/videos').send({ script: 'x'.repeat(2 * 1024 * 1024) })); // 413
    const latin = await api().post('/api/videos').set('Content-Type', 'application/json; charset=latin1').send('{"topic":"x"}');
    expect(latin.status).toBe(415);
    check('post', '/api/videos', latin);

    await waitForVideo(api(), id);
    const status = await api().get(`/api/videos/${id}`);
    check('get', '/api/videos/{id}', status);
    expect((status.body as { status: string }).status).toBe('completed');
    check('get', '/api/videos/{id}', await api().get(`/api/videos/${id}`).set('If-None-Match', status.headers.etag!)); // 304
    check('get', '/api/videos/{id}', await api().get('/api/videos/not-an-id')); // 400
    check('get', '/api/videos/{id}', await api().get('/api/videos/vid-nope')); // 404

    const list = await api().get('/api/videos?batchId=bat-none');
    check('get', '/api/videos', list);
    check('get', '/api/videos', await api().get('/api/videos?batchId=bat-none').set('If-None-Match', list.headers.etag!)); // 304
    check('get', '/api/videos', await api().get(`/api/videos?status=completed&limit=500`));
    check('get', '/api/videos', await api().get('/api/videos?limit=0')); // 400

    const file = `/api/videos/${id}/file`;
    const full = await api().get(file).buffer(true);
    check('get', '/api/videos/{id}/file', full);
    const size = Number(full.headers['content-length']);
    check('get', '/api/videos/{id}/file', await api().get(file).set('Range', 'bytes=0-99').buffer(true)); // 206
    check('get', '/api/videos/{id}/file', await api().get(file).set('If-None-Match', full.headers.etag!)); // 304
    const past = await api().get(file).set('Range', `bytes=${size}-`);
    expect(past.status).toBe(416);
    check('get', '/api/videos/{id}/file', past);
    check('get', '/api/videos/{id}/file', await api().get('/api/videos/vid-nope/file')); // 404

    const events = await api().get(`/api/videos/${id}/events`).buffer(true);
    check('get', '/api/videos/{id}/events', events);
    expect(events.text).toContain('event: end');
    check('get', '/api/videos/{id}/events', await api().get(`/api/videos/${id}/events`).set('Last-Event-ID', '999999999999999')); // 204
    check('get', '/api/videos/{id}/events', await api().get('/api/videos/vid-nope/events')); // 404

    check('delete', '/api/videos/{id}', await api().delete(`/api/videos/${id}`)); // 409: finished
    const other = (await api().post('/api/videos').send({ script: 'Cancel me, please, before I am done.' }).expect(202)).body as { id: string };
    const cancelled = await api().delete(`/api/videos/${other.id}`);
    expect(cancelled.status).toBe(202);
    check('delete', '/api/videos/{id}', cancelled);
    check('delete', '/api/videos/{id}', await api().delete('/api/videos/vid-nope')); // 404
    await waitForVideo(api(), other.id);
    check('get', '/api/videos/{id}/file', await api().get(`/api/videos/${other.id}/file`)); // 409: not completed

    const thumbnail = await api().get(`/api/videos/${id}/thumbnail`).buffer(true);
    expect(thumbnail.status).toBe(200);
    check('get', '/api/videos/{id}/thumbnail', thumbnail);
    check('get', '/api/videos/{id}/thumbnail', await api().get(`/api/videos/${other.id}/thumbnail`)); // 409: not completed
    check('get', '/api/videos/{id}/thumbnail', await api().get('/api/videos/vid-nope/thumbnail')); // 404
    check('delete', '/api/videos/{id}', await api().delete(`/api/videos/${other.id}?purge=maybe`)); // 400
    const purged = await api().delete(`/api/videos/${other.id}?purge=true`);
    expect(purged.status).toBe(204);
    check('delete', '/api/videos/{id}', purged);
  });

  const finishedTranscription = async (id: string) => {
    for (let i = 0; i < 600; i++) {
      const res = await api().get(`/api/transcriptions/${id}`);
      if (res.status === 200 && !['queued', 'running'].includes((res.body as { status: string }).status)) return res;
      await new Promise((r) => setTimeout(r, 300));
    }
    throw new Error(`transcription ${id} did not finish`);
  };

  it('transcriptions and system: submit, status, list, events, subtitle files, cancel, and their errors', async () => {
    const video = (await api().post('/api/videos').send({ script: 'Rivers carve deep valleys over a very long time.', render: { height: 240 } }).expect(202)).body as { id: string };
    await waitForVideo(api(), video.id);
    const key = `k-${randomUUID()}`;
    const created = await api().post('/api/transcriptions').set('Idempotency-Key', key).send({ source: { video: video.id } });
    check('post', '/api/transcriptions', created);
    expect(created.status).toBe(202);
    const id = (created.body as { id: string }).id;
    check('post', '/api/transcriptions', await api().post('/api/transcriptions').set('Idempotency-Key', key).send({ source: { video: 'vid-other' } })); // 409
    check('post', '/api/transcriptions', await api().post('/api/transcriptions').send({})); // 400
    check('post', '/api/transcriptions', await api().post('/api/transcriptions').send({ source: { video: video.id }, language: 'de' })); // 422: offline is English only

    const status = await finishedTranscription(id);
    check('get', '/api/transcriptions/{id}', status);
    expect((status.body as { status: string }).status).toBe('completed');
    check('get', '/api/transcriptions/{id}', await api().get(`/api/transcriptions/${id}`).set('If-None-Match', status.headers.etag!)); // 304
    check('get', '/api/transcriptions/{id}', await api().get('/api/transcriptions/not-an-id')); // 400
    check('get', '/api/transcriptions/{id}', await api().get('/api/transcriptions/trn-nope')); // 404

    const list = await api().get('/api/transcriptions?limit=50');
    check('get', '/api/transcriptions', list);
    check('get', '/api/transcriptions', await api().get('/api/transcriptions?limit=0')); // 400

    for (const name of ['subtitles.srt', 'subtitles.vtt', 'subtitles.json', 'subtitles.txt']) {
      const file = await api().get(`/api/transcriptions/${id}/${name}`).buffer(true);
      expect(file.status).toBe(200);
      check('get', '/api/transcriptions/{id}/{name}', file);
    }
    check('get', '/api/transcriptions/{id}/{name}', await api().get(`/api/transcriptions/${id}/subtitles.doc`)); // 404
    check('get', '/api/transcriptions/{id}/file', await api().get(`/api/transcriptions/${id}/file`)); // no burn-in asked: no MP4
    const burned = (await api().post('/api/transcriptions').send({ source: { video: video.id }, burnIn: { enabled: true } }).expect(202)).body as { id: string };
    expect((await finishedTranscription(burned.id)).body).toMatchObject({ status: 'completed' });
    const mp4 = await api().get(`/api/transcriptions/${burned.id}/file`).buffer(true);
    expect(mp4.status).toBe(200);
    check('get', '/api/transcriptions/{id}/file', mp4);
    check('get', '/api/transcriptions/{id}/file', await api().get(`/api/transcriptions/${burned.id}/file`).set('Range', 'bytes=0-99').buffer(true)); // 206

    const events = await api().get(`/api/transcriptions/${id}/events`).buffer(true);
    check('get', '/api/transcriptions/{id}/events', events);
    expect(events.text).toContain('event: end');
    check('get', '/api/transcriptions/{id}/events', await api().get(`/api/transcriptions/${id}/events`).set('Last-Event-ID', '999999999999999')); // 204

    check('delete', '/api/transcriptions/{id}', await api().delete(`/api/transcriptions/${id}`)); // 409: finished
    const other = (await api().post('/api/transcriptions').send({ source: { video: video.id }, cache: { mode: 'bypass' } }).expect(202)).body as { id: string };
    const cancelled = await api().delete(`/api/transcriptions/${other.id}`);
    check('delete', '/api/transcriptions/{id}', cancelled);
    check('delete', '/api/transcriptions/{id}', await api().delete('/api/transcriptions/trn-nope')); // 404

    const voices = await waitForVoices(api());
    check('get', '/api/voices', voices);

    const system = await api().get('/api/system');
    expect(system.status).toBe(200);
    check('get', '/api/system', system);
  });

  it('media library: add (multipart, JSON), get, list, file (full, range, 304, 416), delete, and their errors', async () => {
    const dir = mkdtempSync(join(process.env.VIDFLOW_TEST_ROOT!, 'oa-media-'));
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=green:s=64x48', '-frames:v', '1', join(dir, 'green.png')]);
    writeFileSync(join(dir, 'notes.txt'), 'plain text\n');
    const created = await api().post('/api/media').attach('file', join(dir, 'green.png'));
    check('post', '/api/media', created);
    expect(created.status).toBe(201);
    const item = created.body as { id: string; links: { self: string; file: string } };
    check('post', '/api/media', await api().post('/api/media').attach('file', join(dir, 'notes.txt'))); // 415
    check('post', '/api/media', await api().post('/api/media').send({ upload: 'nope' })); // 400
    check('post', '/api/media', await api().post('/api/media').send({ upload: 'upl-00000000000000000000000000000000' })); // 422

    const got = await api().get(item.links.self);
    check('get', '/api/media/{id}', got);
    check('get', '/api/media/{id}', await api().get(item.links.self).set('If-None-Match', got.headers.etag!)); // 304
    check('get', '/api/media/{id}', await api().get('/api/media/not-an-id')); // 400
    check('get', '/api/media/{id}', await api().get('/api/media/med-00000000000000000000000000000000')); // 404

    const list = await api().get('/api/media?kind=image&limit=10');
    check('get', '/api/media', list);
    check('get', '/api/media', await api().get('/api/media?kind=image&limit=10').set('If-None-Match', list.headers.etag!)); // 304
    check('get', '/api/media', await api().get('/api/media?limit=0')); // 400

    const full = await api().get(item.links.file).buffer(true);
    check('get', '/api/media/{id}/file', full);
    const size = Number(full.headers['content-length']);
    check('get', '/api/media/{id}/file', await api().get(item.links.file).set('Range', 'bytes=0-9').buffer(true)); // 206
    check('get', '/api/media/{id}/file', await api().get(item.links.file).set('If-None-Match', full.headers.etag!)); // 304
    check('get', '/api/media/{id}/file', await api().get(item.links.file).set('Range', `bytes=${size + 10}-`)); // 416
    check('get', '/api/media/{id}/file', await api().get('/api/media/med-00000000000000000000000000000000/file')); // 404

    check('delete', '/api/media/{id}', await api().delete(item.links.self));
    check('delete', '/api/media/{id}', await api().delete(item.links.self)); // 404
    check('delete', '/api/media/{id}', await api().delete('/api/media/not-an-id')); // 400
  });

  it('batches: submit, status, cancel, retry, and their errors', async () => {
    const key = `k-${randomUUID()}`;
    const body = { items: [{ script: 'One.' }, { script: 'Two.', language: 'zz' }], defaults: { render: { height: 240 } } };
    const created = await api().post('/api/batches').set('Idempotency-Key', key).send(body);
    check('post', '/api/batches', created);
    const id = (created.body as { id: string }).id;
    check('post', '/api/batches', await api().post('/api/batches').set('Idempotency-Key', key).send({ items: [{ script: 'Else.' }] })); // 409
    check('post', '/api/batches', await api().post('/api/batches').send({ items: [] })); // 400
    check('post', '/api/batches', await api().post('/api/batches').send({ items: [{ topic: 'x', llm: { provider: 'openai' } }] })); // 422

    check('get', '/api/batches/{id}', await api().get(`/api/batches/${id}?offset=-1`)); // 400
    check('get', '/api/batches/{id}', await api().get('/api/batches/bat-nope')); // 404
    const finished = await finishedBatch(id);
    check('get', '/api/batches/{id}', finished);
    check('get', '/api/batches/{id}', await api().get(`/api/batches/${id}`).set('If-None-Match', finished.headers.etag!)); // 304
    expect((finished.body as { failed: number }).failed).toBe(1);

    check('delete', '/api/batches/{id}', await api().delete(`/api/batches/${id}`)); // 409: finished
    check('post', '/api/batches/{id}/retry', await api().post('/api/batches/bat-nope/retry')); // 404
    const retried = await api().post(`/api/batches/${id}/retry`);
    expect(retried.status).toBe(202);
    check('post', '/api/batches/{id}/retry', retried);
    check('post', '/api/batches/{id}/retry', await api().post(`/api/batches/${id}/retry`)); // 409: running again

    const second = (await api().post('/api/batches').send({ items: [{ script: 'Three, to be cancelled.' }] }).expect(202)).body as { id: string };
    const cancelled = await api().delete(`/api/batches/${second.id}`);
    expect(cancelled.status).toBe(202);
    check('delete', '/api/batches/{id}', cancelled);
    check('delete', '/api/batches/{id}', await api().delete('/api/batches/bat-nope')); // 404
    await finishedBatch(id);
  });

  it('schedules: create, list, show, pause, unpause, trigger, delete, and their errors', async () => {
    const id = `s-${randomUUID().slice(0, 8)}`;
    const body = { id, intervalSeconds: 3600, paused: true, batch: { items: [{ script: 'Scheduled.', render: { height: 240 } }] } };
    check('post', '/api/schedules', await api().post('/api/schedules').send(body)); // 201
    check('post', '/api/schedules', await api().post('/api/schedules').send(body)); // 409
    check('post', '/api/schedules', await api().post('/api/schedules').send({ id: 'x' })); // 400
    check('get', '/api/schedules', await api().get('/api/schedules'));
    check('get', '/api/schedules/{id}', await api().get(`/api/schedules/${id}`));
    check('get', '/api/schedules/{id}', await api().get('/api/schedules/nope-nope')); // 404
    for (const action of ['pause', 'unpause', 'trigger']) {
      check('post', `/api/schedules/{id}/${action}`, await api().post(`/api/schedules/${id}/${action}`));
      check('post', `/api/schedules/{id}/${action}`, await api().post(`/api/schedules/nope-nope/${action}`)); // 404
    }
    check('delete', '/api/schedules/{id}', await api().delete(`/api/schedules/${id}`)); // 204
    check('delete', '/api/schedules/{id}', await api().delete(`/api/schedules/${id}`)); // 404
  });

  it('webhooks: a test ping (an unresolvable host: 200 with the failed attempt) and its errors', async () => {
    const sent = await api().post('/api/webhooks/test').send({ url: 'http://hooks.invalid/vidflow' });
    check('post', '/api/webhooks/test', sent);
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ webhook: { status: 'failed', attempts: 1, lastError: expect.stringContaining('not found') } });
    check('post', '/api/webhooks/test', await api().post('/api/webhooks/test').send({ url: 'ftp://example.com/' })); // 400
    check('post', '/api/webhooks/test', await api().post('/api/webhooks/test').send({ url: 'http://10.0.0.1/hook' })); // 422
  });

  it('cache, Studio config, health and metrics', async () => {
    check('get', '/api/cache/stats', await api().get('/api/cache/stats'));
    const cache = await openCache(stack.config.cache);
    const key = cacheKey({ stage: 'script', version: 'openapi-e2e', inputs: { id: randomUUID() } });
    await cache.put({ stage: 'script', key, value: { scenes: [] } });
    await cache.close();
    check('delete', '/api/cache/entries/{key}', await api().delete(`/api/cache/entries/${key}`)); // 200
    check('delete', '/api/cache/entries/{key}', await api().delete(`/api/cache/entries/${key}`)); // 404
    check('delete', '/api/cache/entries/{key}', await api().delete('/api/cache/entries/not-hex')); // 400
    check('delete', '/api/cache', await api().delete('/api/cache?stage=pipeline'));
    check('delete', '/api/cache', await api().delete('/api/cache')); // 400: no stage
    check('post', '/api/cache/cleanup', await api().post('/api/cache/cleanup'));
    check('get', '/api/studio/config', await api().get('/api/studio/config'));
    check('get', '/health/live', await api().get('/health/live'));
    check('get', '/health/ready', await api().get('/health/ready'));
    check('get', '/health/ready', await request(keyed.getHttpServer()).get('/health/ready')); // 503: Temporal down
    check('get', '/metrics', await api().get('/metrics'));
  });

  it('uploads (tus): discovery, creation, offset, append, termination, and their errors', async () => {
    const tus = (r: request.Test) => r.set('Tus-Resumable', '1.0.0');
    check('options', '/api/uploads', await tus(api().options('/api/uploads')));
    const created = await tus(api().post('/api/uploads')).set('Upload-Length', '10');
    check('post', '/api/uploads', created);
    const url = created.headers.location!;
    check('post', '/api/uploads', await tus(api().post('/api/uploads'))); // 400: no Upload-Length
    check('post', '/api/uploads', await tus(api().post('/api/uploads')).set('Upload-Length', String(10 ** 15))); // 413
    check('head', '/api/uploads/{id}', await tus(api().head(url)));
    check('head', '/api/uploads/{id}', await tus(api().head('/api/uploads/nope'))); // 404
    const chunk = (offset: number) =>
      tus(api().patch(url)).set('Content-Type', 'application/offset+octet-stream').set('Upload-Offset', String(offset)).send(Buffer.from('hello'));
    check('patch', '/api/uploads/{id}', await chunk(0));
    check('patch', '/api/uploads/{id}', await chunk(0)); // 409: the server is at 5
    check('delete', '/api/uploads/{id}', await tus(api().delete(url)));
    check('delete', '/api/uploads/{id}', await tus(api().delete(url))); // 404
  });

  it('MCP: a request (SSE answer), a notification (202), a refused Accept (406) and a message that is not JSON-RPC (400)', async () => {
    const accept = 'application/json, text/event-stream';
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'doc', version: '1' } } };
    const answered = await api().post('/mcp').set('Accept', accept).send(initialize);
    expect(answered.status).toBe(200);
    check('post', '/mcp', answered);
    const notified = await api().post('/mcp').set('Accept', accept).send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(notified.status).toBe(202);
    check('post', '/mcp', notified);
    const refused = await api().post('/mcp').set('Accept', 'application/json').send(initialize);
    expect(refused.status).toBe(406);
    check('post', '/mcp', refused);
    const notRpc = await api().post('/mcp').set('Accept', accept).send({ hello: 'world' });
    expect(notRpc.status).toBe(400);
    check('post', '/mcp', notRpc);
  });

  it('every /api route and /mcp: 401 without the key, 503 with it while Temporal is down', async () => {
    const server = keyed.getHttpServer();
    for (const [path, ops] of Object.entries(oa.doc.paths).filter(([p]) => p.startsWith('/api') || p === '/mcp')) {
      const url = path.replace('{id}', 'vid-1').replace('{key}', 'a'.repeat(64));
      for (const method of Object.keys(ops) as Array<'get' | 'post' | 'delete' | 'head' | 'patch' | 'options'>) {
        check(method, path, await request(server)[method](url));
      }
    }
    const withKey = await request(server).get('/api/videos/vid-1').set('Authorization', 'Bearer k1');
    expect(withKey.status).toBe(503);
    check('get', '/api/videos/{id}', withKey);
  });

  it('no route of the document is left without a checked success and a checked error', () => {
    // /health/live answers 503 only while the process shuts down, which would end this suite's app.
    expect(oa.uncovered()).toEqual(['get /health/live: error']);
  });
});
