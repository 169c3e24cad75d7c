import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig, type VidflowConfig } from '@vidflow/config';
import { SystemSchema, type SystemView } from '@vidflow/contracts';
import { availableParallelism } from 'node:os';
import request from 'supertest';
import { createApp } from '../apps/api/src/create-app';
import { testEnv } from './support/test-stack';

/** GET /api/system against the real Temporal dev server: pollers and backlogs are Temporal's own figures. */
describe('GET /api/system', () => {
  let config: VidflowConfig;
  let app: NestExpressApplication;
  let native: NativeConnection;
  let connection: Connection;

  beforeAll(async () => {
    const env = testEnv();
    config = loadConfig({ ...env, TASK_QUEUE_STT: `test-stt-${env.TASK_QUEUE_IO!.slice('test-io-'.length)}`, WORKER_TUNER: 'fixed' });
    app = await createApp(config, { logger: false });
    await app.init();
    native = await NativeConnection.connect({ address: config.temporal.address });
    connection = await Connection.connect({ address: config.temporal.address });
  });
  afterAll(async () => {
    await app.close();
    await native.close();
    await connection.close();
  });

  async function system(): Promise<SystemView> {
    const res = await request(app.getHttpServer()).get('/api/system').expect(200);
    return SystemSchema.parse(res.body);
  }

  /** Asks again until `ok` holds (Temporal registers pollers and counts backlogs within moments). */
  async function until(ok: (s: SystemView) => boolean): Promise<SystemView> {
    let s = await system();
    while (!ok(s)) {
      await new Promise((r) => setTimeout(r, 200));
      s = await system();
    }
    return s;
  }

  it('shows the machine, the settings, a polling worker on its queue and a waiting workflow in a backlog', async () => {
    const { taskQueues: q } = config;
    const idle = await system();
    expect(idle.machine.cores).toBe(availableParallelism());
    expect(idle.machine.memoryBytes).toBeGreaterThan(idle.machine.freeMemoryBytes);
    expect(idle.temporal).toMatchObject({ address: config.temporal.address, reachable: true, serverVersion: expect.any(String) });
    expect(idle.taskQueues![q.stt]).toMatchObject({ roles: ['stt'], pollers: 0, backlog: 0 });
    expect(idle.tuner).toMatchObject({ kind: 'fixed', slots: { stt: config.worker.sttConcurrency, render: config.worker.renderConcurrency } });
    expect(idle.limits).toMatchObject({ uploadMaxBytes: 2 * 1024 ** 3, uploadChunkBytes: 50 * 1024 ** 2, maxChunkSeconds: { default: 30 } });

    // A workflow no worker takes: its first workflow task waits on the io queue.
    const client = new Client({ connection, namespace: config.temporal.namespace });
    const handle = await client.workflow.start('nobodyRunsThis', { taskQueue: q.io, workflowId: `system-e2e-${Date.now()}` });
    try {
      const waiting = await until((s) => (s.taskQueues?.[q.io]?.workflow.backlog ?? 0) >= 1);
      expect(waiting.taskQueues![q.io]).toMatchObject({ roles: ['io'], pollers: 0, backlog: 1 });
    } finally {
      await handle.terminate('test over');
    }

    // An activity worker on the speech-to-text queue shows up as its poller.
    const worker = await Worker.create({ connection: native, namespace: config.temporal.namespace, taskQueue: q.stt, activities: { noop: async () => undefined } });
    await worker.runUntil(async () => {
      const polled = await until((s) => (s.taskQueues?.[q.stt]?.pollers ?? 0) >= 1);
      expect(polled.taskQueues![q.stt]!.activity.pollers).toBe(1);
      expect(polled.taskQueues![q.stt]!.pollers).toBe(1);
    });
  });

  it('says Temporal is unreachable instead of inventing figures', async () => {
    const offline = await createApp(loadConfig({ ...testEnv(), TEMPORAL_ADDRESS: '127.0.0.1:1' }), { logger: false });
    await offline.init();
    try {
      const res = await request(offline.getHttpServer()).get('/api/system').expect(200);
      const body = SystemSchema.parse(res.body);
      expect(body.taskQueues).toBeNull();
      expect(body.temporal.reachable).toBe(false);
      expect(body.temporal.error).toEqual(expect.any(String));
      expect(body.machine.cores).toBe(availableParallelism());
    } finally {
      await offline.close();
    }
  });
});
