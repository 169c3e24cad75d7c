import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import type { Server } from 'node:http';
import { startWorkerHttpServer, stopWorkerHttpServer, type ReadinessReport, type WorkerHttpServerOptions } from './worker-http-server';

function options(overrides: Partial<WorkerHttpServerOptions> = {}): WorkerHttpServerOptions {
  return {
    host: '127.0.0.1',
    port: 0,
    metrics: async () => 'vidflow_test_metric 1\n',
    metricsContentType: 'text/plain; version=0.0.4; charset=utf-8',
    readiness: async () => ({ ready: true }),
    warn: () => {
      throw new Error('unexpected warning');
    },
    ...overrides,
  };
}

const portOf = (server: Server | NetServer) => (server.address() as { port: number }).port;

describe('worker health and metrics server', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await stopWorkerHttpServer(server);
    server = undefined;
  });
  const get = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${portOf(server!)}${path}`, init);

  it('answers /health/live with 200 whatever the readiness', async () => {
    server = await startWorkerHttpServer(options({ readiness: async () => ({ ready: false }) }));
    const res = await get('/health/live');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /health/ready with 200 when ready and 503 with the details when not', async () => {
    let report: ReadinessReport = { ready: true, workers: [{ taskQueue: 'q', state: 'RUNNING' }] };
    server = await startWorkerHttpServer(options({ readiness: async () => report }));
    const ok = await get('/health/ready');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok', workers: [{ taskQueue: 'q', state: 'RUNNING' }] });

    report = { ready: false, connection: { up: false, message: 'connection refused' }, workers: [{ taskQueue: 'q', state: 'STOPPED' }] };
    const down = await get('/health/ready');
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({
      status: 'error',
      connection: { up: false, message: 'connection refused' },
      workers: [{ taskQueue: 'q', state: 'STOPPED' }],
    });
  });

  it('answers 503 when the readiness check itself throws', async () => {
    server = await startWorkerHttpServer(options({ readiness: () => Promise.reject(new Error('no connection yet')) }));
    const res = await get('/health/ready');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'error', message: 'no connection yet' });
  });

  it('serves /metrics as Prometheus text, and 404/405 for anything else', async () => {
    server = await startWorkerHttpServer(options());
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await res.text()).toBe('vidflow_test_metric 1\n');
    expect((await get('/nope')).status).toBe(404);
    expect((await get('/metrics', { method: 'POST' })).status).toBe(405);
  });

  it('warns and resolves undefined, instead of failing, when the port is taken', async () => {
    const blocker = createNetServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const warnings: string[] = [];
      server = await startWorkerHttpServer(options({ port: portOf(blocker), warn: (m) => warnings.push(m) }));
      expect(server).toBeUndefined();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`port ${portOf(blocker)} on 127.0.0.1 is already in use`);
      expect(warnings[0]).toContain('WORKER_HTTP_PORT');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('fails with the setting to change for other listen errors', async () => {
    await expect(startWorkerHttpServer(options({ host: '203.0.113.7' }))).rejects.toThrow(/WORKER_HTTP_HOST/);
  });

  it('closes, even with a keep-alive connection open', async () => {
    server = await startWorkerHttpServer(options());
    const port = portOf(server!);
    await (await get('/health/live', { headers: { connection: 'keep-alive' } })).text();
    await stopWorkerHttpServer(server);
    expect(server!.listening).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
  });
});
