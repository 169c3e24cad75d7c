import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@vidflow/config';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../create-app';

const ACCEPT = 'application/json, text/event-stream';
const LIST = { jsonrpc: '2.0', id: 1, method: 'tools/list' };

/** POST /mcp behind the middleware of /api: the API key, the rate limit, the body limit of batches. */
describe('POST /mcp in the HTTP app', () => {
  let app: NestExpressApplication;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vidflow-mcp-'));
    const env = { DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:1', API_KEYS: 'k1', RATE_LIMIT_PER_SECOND: '0.001', RATE_LIMIT_BURST: '2' };
    app = await createApp(loadConfig(env), { logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('needs the API key, then lists the tools; the same token bucket as /api then answers 429', async () => {
    const server = app.getHttpServer();
    const bare = await request(server).post('/mcp').set('Accept', ACCEPT).send(LIST);
    expect(bare.status).toBe(401);
    expect(bare.body.error.code).toBe('UNAUTHORIZED');
    const listed = await request(server).post('/mcp').set('Accept', ACCEPT).set('Authorization', 'Bearer k1').send(LIST).buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => done(null, text));
    });
    expect(listed.status).toBe(200);
    const data = JSON.parse(/^data: (.*)$/m.exec(listed.body as string)![1]!);
    expect(data.result.tools).toHaveLength(8);
    // The burst of 2 is one bucket for /mcp and /api alike: the second call spends it, then /api is refused too.
    expect((await request(server).post('/mcp').set('Accept', ACCEPT).set('Authorization', 'Bearer k1').send(LIST)).status).toBe(200);
    const limited = await request(server).post('/mcp').set('Accept', ACCEPT).set('Authorization', 'Bearer k1').send(LIST);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect((await request(server).get('/api/videos').set('Authorization', 'Bearer k1')).status).toBe(429);
  });
});

describe('POST /mcp body limit', () => {
  let app: NestExpressApplication;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vidflow-mcp-'));
    app = await createApp(loadConfig({ DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:1' }), { logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes a message over 1 MiB (a large create_batch) and refuses one over 16 MiB with 413', async () => {
    const server = app.getHttpServer();
    const padded = (bytes: number) => ({ ...LIST, params: { _meta: { pad: 'x'.repeat(bytes) } } });
    const large = await request(server).post('/mcp').set('Accept', ACCEPT).send(padded(2 * 1024 * 1024));
    expect(large.status).toBe(200);
    const tooLarge = await request(server).post('/mcp').set('Accept', ACCEPT).send(padded(17 * 1024 * 1024));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.message).toContain('16mb');
  });
});
