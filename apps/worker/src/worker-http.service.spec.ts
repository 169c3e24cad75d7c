import { Logger } from '@nestjs/common';
import { loadConfig } from '@vidflow/config';
import { createServer } from 'node:net';
import type { TemporalWorkerService } from './temporal-worker.service';
import { WorkerHttpService } from './worker-http.service';
import { WorkerMetrics } from './worker-metrics';
import { freePort } from '../../../test/support/free-port';

const workers = { readiness: async () => ({ ready: true }) } as unknown as TemporalWorkerService;

describe('WorkerHttpService', () => {
  afterEach(() => jest.restoreAllMocks());

  it('serves the worker metrics while the context lives and closes with it', async () => {
    const metrics = new WorkerMetrics();
    const service = new WorkerHttpService(loadConfig({ WORKER_HTTP_PORT: String(await freePort()) }), workers, metrics);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    await service.onApplicationBootstrap();
    const { port } = service.address()!;
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toContain('# TYPE vidflow_activity_duration_seconds histogram');
    expect(text).toContain('vidflow_cache_hits_total{stage="render"} 0');
    expect(text).toMatch(/^vidflow_worker_process_cpu_seconds_total /m);
    expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
    await service.onApplicationShutdown();
    expect(service.address()).toBeUndefined();
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
  });

  it('starts nothing with WORKER_HTTP_PORT=0', async () => {
    const service = new WorkerHttpService(loadConfig({ WORKER_HTTP_PORT: '0' }), workers, new WorkerMetrics());
    await service.onApplicationBootstrap();
    expect(service.address()).toBeUndefined();
    await service.onApplicationShutdown();
  });

  it('warns and lets the worker start without the server when the port is taken (a second worker on one machine)', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const service = new WorkerHttpService(loadConfig({ WORKER_HTTP_PORT: String(port) }), workers, new WorkerMetrics());
      await expect(service.onApplicationBootstrap()).resolves.toBeUndefined();
      expect(service.address()).toBeUndefined();
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(`port ${port} on 127.0.0.1 is already in use`));
      await service.onApplicationShutdown();
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
