import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@vidflow/config';
import { WorkerHttpService } from '../apps/worker/src/worker-http.service';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { freePort } from './support/free-port';
import { startTestStack, type TestStack, testEnv, waitForVideo } from './support/test-stack';

/** The worker's own health and metrics server, with a real worker making a real video. */
describe('worker health and metrics end to end', () => {
  let stack: TestStack | undefined;
  let port: number;
  const url = (path: string) => `http://127.0.0.1:${port}${path}`;
  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  beforeAll(async () => {
    port = await freePort();
    stack = await startTestStack({ WORKER_HTTP_PORT: String(port), WORKER_TEMPORAL_METRICS_PORT: '0' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('is live at once, and ready once every Temporal Worker is running', async () => {
    expect((await fetch(url('/health/live'))).status).toBe(200);
    // run() creates the Workers after connecting; readiness follows within moments.
    let res = await fetch(url('/health/ready'));
    for (let i = 0; i < 100 && res.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 200));
      res = await fetch(url('/health/ready'));
    }
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; connection: { up: boolean }; workers: Array<{ taskQueue: string; state: string }> };
    expect(body.status).toBe('ok');
    expect(body.connection.up).toBe(true);
    const { taskQueues } = stack!.config;
    expect(body.workers).toEqual(
      expect.arrayContaining([taskQueues.io, taskQueues.render, taskQueues.llm].map((taskQueue) => ({ taskQueue, state: 'RUNNING' }))),
    );
  });

  it('counts the activities of a real video', async () => {
    const created = await stack!.api.post('/api/videos').send({ script: 'Bees dance to give directions. The angle points to the flowers.' }).expect(202);
    const status = await waitForVideo(stack!.api, created.body.id);
    expect(status.status).toBe('completed');

    const res = await fetch(url('/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^vidflow_activity_duration_seconds_count\{activity="renderVideo",outcome="completed"\} 1$/m);
    expect(value(text, 'vidflow_activity_duration_seconds_count{activity="writeScript",outcome="completed"}')).toBe(1);
    expect(value(text, 'vidflow_activity_duration_seconds_count{activity="synthesizeScene",outcome="completed"}')).toBe(
      status.stages.tts.total,
    );
    expect(value(text, 'vidflow_stage_duration_seconds_count{stage="render"}')).toBe(1);
    // Every completed stage activity is either a cache hit or a miss.
    const renderLookups =
      value(text, 'vidflow_cache_hits_total{stage="render"}')! + value(text, 'vidflow_cache_misses_total{stage="render"}')!;
    expect(renderLookups).toBe(1);
    expect(text).toMatch(/^vidflow_worker_process_resident_memory_bytes \d+/m);
    expect(text).not.toContain('outcome="failed"');

    expect((await fetch(url('/health/ready'))).status).toBe(200);
  });

  it('lets a second worker process context with the same port start without the server', async () => {
    // What apps/worker/src/main.ts builds, on a machine where another worker holds the port: it boots
    // (the Temporal Workers start in run(), independently of the HTTP server) instead of crashing.
    const config = loadConfig(testEnv({ WORKER_HTTP_PORT: String(port) }));
    const second = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
    try {
      expect(second.get(WorkerHttpService).address()).toBeUndefined();
    } finally {
      await second.close();
    }
    // The first worker's server is untouched.
    expect((await fetch(url('/health/live'))).status).toBe(200);
  });

  it('closes the port when the stack stops', async () => {
    await stack!.stop();
    stack = undefined;
    await expect(fetch(url('/health/live'))).rejects.toThrow();
  });
});
