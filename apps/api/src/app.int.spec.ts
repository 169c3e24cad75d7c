import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@vidflow/config';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from './create-app';

/**
 * The HTTP layer with no Temporal server behind it (the address points at a closed port): everything
 * decided before Temporal is asked, plus the 503 a client gets while Temporal is down.
 */
describe('API without Temporal', () => {
  let app: NestExpressApplication;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vidflow-api-'));
    app = await createApp(loadConfig({ DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:1' }), { logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (body: unknown) => request(app.getHttpServer()).post('/api/videos').send(body as object);

  it('names every bad field in a 400 with the contract error envelope', async () => {
    const res = await post({ topic: 'x', script: 'y', render: { height: 99999, background: { color: 'red; drop' } } }).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['script', 'render.height', 'render.background.color']));
    expect(res.body.error.message).toContain('render.height');
    expect(res.body.error.requestId).toBe(res.headers['x-request-id']);
  });

  it('requires exactly one of topic, script or scenes', async () => {
    const res = await post({}).expect(400);
    expect(res.body.error.details).toEqual([{ field: 'topic', message: 'exactly one of topic, script or scenes is required' }]);
  });

  it('rejects unknown fields, naming them', async () => {
    const res = await post({ topic: 'bees', rendr: {} }).expect(400);
    expect(res.body.error.details).toEqual([{ field: 'rendr', message: 'unknown field(s): rendr' }]);
  });

  it.each([
    ['scenes.0.text', { scenes: [{ text: '' }] }],
    ['voice.speed', { topic: 'a', voice: { speed: 9 } }],
    ['voice.name', { topic: 'a', voice: { name: '--help' } }],
    ['language', { topic: 'a', language: 'english please' }],
    ['render.fps', { topic: 'a', render: { fps: 0 } }],
    ['topic', { topic: 'a'.repeat(501) }],
    ['scenes', { scenes: [] }],
    ['(body)', [1, 2]],
  ])('400 naming %s', async (field, body) => {
    const res = await post(body).expect(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('answers malformed JSON with 400 and a too-large body with 413', async () => {
    const bad = await request(app.getHttpServer())
      .post('/api/videos')
      .set('content-type', 'application/json')
      .send('{"topic": ')
      .expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const big = await post({ script: 'x'.repeat(2 * 1024 * 1024) }).expect(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses providers this deployment has not configured with 422 naming them', async () => {
    const res = await post({ topic: 'a', llm: { provider: 'openai' }, voice: { provider: 'openai' } }).expect(422);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['llm.provider', 'voice.provider']);
  });

  it('answers 503 with Retry-After while Temporal is unreachable, and keeps running', async () => {
    const res = await post({ topic: 'the moon' }).expect(503);
    expect(res.body.error.code).toBe('TEMPORAL_UNAVAILABLE');
    expect(res.headers['retry-after']).toBe('5');
    await request(app.getHttpServer()).get('/health/live').expect(200);
  }, 20_000);

  it('reports not-ready, naming Temporal, on /health/ready', async () => {
    const res = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(res.body.status).toBe('error');
    expect(res.body.error.temporal.status).toBe('down');
    expect(res.body.details.ffmpeg.status).toBe('up');
    expect(res.body.details.disk.status).toBe('up');
  });

  it('echoes a client X-Request-Id and makes one up otherwise', async () => {
    const mine = await request(app.getHttpServer()).get('/health/live').set('X-Request-Id', 'abc-123');
    expect(mine.headers['x-request-id']).toBe('abc-123');
    const fresh = await request(app.getHttpServer()).get('/health/live').set('X-Request-Id', 'bad id with spaces');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('404s unknown routes in the error envelope and 400s malformed video ids', async () => {
    const res = await request(app.getHttpServer()).get('/api/nothing-here').expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    const bad = await request(app.getHttpServer()).delete('/api/videos/not-an-id').expect(400);
    expect(bad.body.error.details).toEqual([{ field: 'id', message: 'not a video id' }]);
  });

  it('serves the OpenAPI document with the request schema generated from validation', async () => {
    const res = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(res.body.paths['/api/videos'].post).toBeDefined();
    expect(res.body.components.schemas.VideoRequest.properties.render.properties.aspect.enum).toEqual(['9:16', '16:9', '1:1']);
  });
});

describe('API keys and rate limits', () => {
  let app: NestExpressApplication;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vidflow-auth-'));
    const config = loadConfig({
      DATA_DIR: dataDir,
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      API_KEYS: 'key-one, key-two',
      RATE_LIMIT_PER_SECOND: '2',
      RATE_LIMIT_BURST: '3',
    });
    expect(JSON.stringify(config)).not.toContain('key-one'); // never in a logged config
    app = await createApp(config, { logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('requires a valid bearer key on /api routes, with WWW-Authenticate', async () => {
    const missing = await request(app.getHttpServer()).post('/api/videos').send({ topic: 'x' }).expect(401);
    expect(missing.headers['www-authenticate']).toContain('Bearer');
    expect(missing.body.error).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringContaining('missing API key') });
    const wrong = await request(app.getHttpServer()).get('/api/videos').set('Authorization', 'Bearer key-three').expect(401);
    expect(wrong.body.error.message).toBe('invalid API key');
    // A valid key gets through to validation.
    await request(app.getHttpServer()).post('/api/videos').set('Authorization', 'Bearer key-two').send({}).expect(400);
  });

  it('keeps health, docs and unknown non-api paths open', async () => {
    await request(app.getHttpServer()).get('/health/live').expect(200);
    await request(app.getHttpServer()).get('/docs-json').expect(200);
  });

  it('limits each key separately and answers 429 with Retry-After', async () => {
    const hit = (key: string) => request(app.getHttpServer()).post('/api/videos').set('Authorization', `Bearer ${key}`).send({});
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await hit('key-one')).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    const limited = await hit('key-one');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    // The other key has its own bucket.
    expect((await hit('key-two')).status).toBe(400);
  });
});
