import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@vidflow/config';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../create-app';

/**
 * The API's /metrics with no Temporal behind it: the requests counted here are answered without it
 * (malformed video ids are refused with 400 by the route handler, so they are labelled with its route).
 */
describe('GET /metrics (API)', () => {
  let app: NestExpressApplication;
  let dataDir: string;
  const key = 'metrics-test-key';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vidflow-metrics-'));
    app = await createApp(loadConfig({ DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:1', API_KEYS: key }), { logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const http = () => request(app.getHttpServer());
  const scrape = async () => {
    const res = await http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;.*\bversion=0\.0\.4/);
    return res.text;
  };
  /** Every value of one label in the samples of one metric. */
  const labelValues = (text: string, metric: string, label: string) =>
    [...text.matchAll(new RegExp(`^${metric}\\{[^}]*\\b${label}="([^"]*)"`, 'gm'))].map((m) => m[1]);

  it('is open without an API key while /api needs one', async () => {
    await http().get('/api/videos/vid-x').expect(401);
    await scrape();
  });

  it('counts requests by route pattern and status, never by raw id', async () => {
    const ids = ['not-a-video-1111', 'not-a-video-2222', 'not-a-video-3333'];
    for (const id of ids) await http().get(`/api/videos/${id}`).set('authorization', `Bearer ${key}`).expect(400);
    await http().get('/health/live').expect(200);
    await http().get('/no/such/path/12345').expect(404);

    const text = await scrape();
    // One series for the three ids.
    expect(text).toContain('vidflow_http_requests_total{method="GET",route="/api/videos/:id",status="400"} 3');
    expect(text).toContain('vidflow_http_requests_total{method="GET",route="/health/live",status="200"} 1');
    expect(text).toContain('vidflow_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    // The 401 of the first test was answered before routing.
    expect(text).toContain('vidflow_http_requests_total{method="GET",route="unmatched",status="401"} 1');
    expect(text).toContain('vidflow_http_request_duration_seconds_count{method="GET",route="/api/videos/:id",status="400"} 3');
    expect(text).toMatch(/^vidflow_http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/health\/live",status="200"\} 1$/m);

    const routes = labelValues(text, 'vidflow_http_requests_total', 'route');
    for (const raw of [...ids, '12345', '/no/such']) expect(routes.join(' ')).not.toContain(raw);
    // Scrapes themselves are not counted.
    expect(routes).not.toContain('/metrics');
  });

  it('includes the default process metrics with the vidflow_api_ prefix', async () => {
    const text = await scrape();
    expect(text).toMatch(/^# TYPE vidflow_api_process_cpu_seconds_total counter$/m);
    expect(text).toMatch(/^vidflow_api_nodejs_heap_size_used_bytes \d+/m);
  });
});
