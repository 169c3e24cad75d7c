import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@vidflow/config';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { OpenApiResponses, type OpenApiDoc } from '../../../../test/support/openapi-responses';
import { createApp } from '../create-app';
import { ROUTES } from './openapi-document';
import { toStatusView } from '../videos/video-status.mapper';
import { links } from '../videos/videos.service';

/**
 * The document as a third-party validator (ajv, JSON Schema 2020-12) reads it: real answers of the API
 * must validate against the response the document declares for their route and status.
 */
// Answers while Temporal is unreachable (503) wait for the client's connection deadline first.
jest.setTimeout(30_000);

describe('the OpenAPI document', () => {
  let app: NestExpressApplication;
  let keyed: NestExpressApplication;
  let dataDir: string;
  let doc: OpenApiDoc;
  let oa: OpenApiResponses;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vidflow-openapi-doc-'));
    const env = { DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:1', API_PUBLIC_URL: 'https://videos.example' };
    app = await createApp(loadConfig(env), { logger: false });
    await app.init();
    keyed = await createApp(loadConfig({ ...env, API_KEYS: 'k1', RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '1' }), { logger: false });
    await keyed.init();
    doc = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body as OpenApiDoc;
    oa = new OpenApiResponses(doc);
  });
  afterAll(async () => {
    await app?.close();
    await keyed?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const compile = (schema: unknown) => oa.compile(schema);
  const requestValid = (name: string, body: unknown) => compile({ $ref: `#/components/schemas/${name}` })(body);
  const expectDocumented = (path: string, method: string, res: request.Response) => oa.expectDocumented(method, path, res);

  it('is OpenAPI 3.1 with servers from API_PUBLIC_URL and the bearer scheme on every /api route and /mcp', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'https://videos.example' }]);
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const op of Object.values(ops)) expect({ path, security: op.security }).toEqual({ path, security: path.startsWith('/api') || path === '/mcp' ? [{ apiKey: [] }] : [] });
    }
    expect(doc.paths['/api/videos']!.post!.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header' })]));
  });

  it('describes the answers of every route the API serves (ROUTES), and of no other', () => {
    const served = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(served.sort()).toEqual(Object.keys(ROUTES).sort());
  });

  it('accepts what the API accepts and refuses what it refuses (exactly one of, defaults optional)', () => {
    expect(requestValid('VideoRequest', { topic: 'bees' })).toBe(true);
    expect(requestValid('VideoRequest', { script: 'Hello.', render: { aspect: '16:9' } })).toBe(true);
    expect(requestValid('VideoRequest', {})).toBe(false);
    expect(requestValid('VideoRequest', { topic: 'a', script: 'b' })).toBe(false);
    expect(requestValid('VideoRequest', { topic: 'a', rendr: {} })).toBe(false);
    expect(requestValid('BatchRequest', { items: [{ topic: 'a' }] })).toBe(true);
    expect(requestValid('ScheduleRequest', { id: 'n', cron: '0 3 * * *', batch: { items: [{ topic: 'a' }] } })).toBe(true);
    expect(requestValid('ScheduleRequest', { id: 'n', batch: { items: [{ topic: 'a' }] } })).toBe(false);
  });

  it.each([
    ['post', '/api/videos', '/api/videos', { topic: 'a', script: 'b' }],
    ['post', '/api/videos', '/api/videos', { topic: 'the moon' }],
    ['get', '/api/videos/{id}', '/api/videos/not-an-id', undefined],
    ['get', '/api/videos/{id}', '/api/videos/vid-1', undefined],
    ['get', '/api/videos', '/api/videos?limit=0', undefined],
    ['post', '/api/batches', '/api/batches', { items: [] }],
    ['post', '/api/schedules', '/api/schedules', { id: 'x' }],
    ['get', '/api/batches/{id}', '/api/batches/bat-1?offset=-1', undefined],
  ])('documents the real answer of %s %s (%s)', async (method, path, url, body) => {
    const r = request(app.getHttpServer())[method as 'get' | 'post'](url);
    const res = body === undefined ? await r : await r.send(body as object);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expectDocumented(path, method, res);
  });

  it('documents 401 and 429', async () => {
    const unauth = await request(keyed.getHttpServer()).get('/api/videos/vid-1').expect(401);
    expectDocumented('/api/videos/{id}', 'get', unauth);
    const auth = (r: request.Test) => r.set('Authorization', 'Bearer k1');
    await auth(request(keyed.getHttpServer()).get('/api/videos/x'));
    const limited = await auth(request(keyed.getHttpServer()).get('/api/videos/x')).expect(429);
    expectDocumented('/api/videos/{id}', 'get', limited);
  });

  it('describes the status objects the mapper builds, finished and failed, and the 202 of a POST', () => {
    const desc = { startTime: new Date(), closeTime: new Date(), raw: { pendingActivities: [] } } as never;
    const progress = {
      stage: 'done' as const, progress: 1, cacheHit: false,
      stages: {
        script: { status: 'completed' as const, cacheHit: false, seconds: 0.1, provider: 'input' },
        tts: { status: 'completed' as const, done: 2, total: 2, cacheHits: 0, seconds: 1, audioSeconds: 4.2 },
        render: { status: 'completed' as const, progress: 1, attempt: 1, cacheHit: false, seconds: 3 },
      },
      result: { path: 'videos/vid-1.mp4', durationSeconds: 4.2, width: 1080, height: 1920, bytes: 12345 },
    };
    const status = compile(doc.paths['/api/videos/{id}']!.get!.responses['200']!.content!['application/json']!.schema);
    const completed = toStatusView({ id: 'vid-1', status: 'completed', progress, desc, fileUrl: links('vid-1').file });
    expect(status(completed)).toBe(true);
    const failed = toStatusView({ id: 'vid-1', status: 'failed', desc, fileUrl: '', error: { type: 'Terminated', message: 'by operator', stage: 'tts' } });
    expect(status(failed)).toBe(true);
    expect(status({ ...completed, status: 'done' })).toBe(false);
    const created = compile(doc.paths['/api/videos']!.post!.responses['202']!.content!['application/json']!.schema);
    expect(created({ id: 'vid-1', status: 'queued', links: links('vid-1') })).toBe(true);
    expect(doc.paths['/api/videos']!.post!.responses['202']!.headers).toHaveProperty('Location');
  });
});
