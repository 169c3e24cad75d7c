import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { IoActivities, LlmActivities, RenderActivities } from '@vidflow/activities';
import { loadConfig, type VidflowConfig } from '@vidflow/config';
import type { BatchProgress, BatchStatusView, RenderVideoInput, WriteScriptInput } from '@vidflow/contracts';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import request from 'supertest';
import { createApp } from '../apps/api/src/create-app';
import { testEnv } from './support/test-stack';
import { heartbeatUntilCancelled } from '../libs/workflows/src/testing/fake-activities';
import { maxOverlap } from '../libs/workflows/src/testing/max-overlap';

const BUNDLE = resolve(__dirname, '..', 'libs', 'workflows', 'dist', 'workflow-bundle.js');

/**
 * Batches through the real API and the real batch and video workflows on the test Temporal server,
 * with fake activities so that hundreds of items cost milliseconds each. Each fake records when its
 * video started (writeScript) and ended (cleanupVideo), which is how concurrency is checked.
 */
describe('batches', () => {
  let config: VidflowConfig;
  let app: NestExpressApplication;
  let workers: Worker[];
  let running: Promise<unknown>;
  let native: NativeConnection;
  const spans = new Map<string, { start: number; end?: number }>();
  const attempts = new Map<string, number>();

  beforeAll(async () => {
    config = loadConfig(testEnv());
    native = await NativeConnection.connect({ address: config.temporal.address });
    const topicOf = (i: WriteScriptInput) => i.topic ?? '';
    const llm: LlmActivities = {
      writeScript: async (i) => {
        spans.set(i.videoId, { start: Date.now() });
        const topic = topicOf(i);
        const n = (attempts.get(i.videoId) ?? 0) + 1;
        attempts.set(i.videoId, n);
        // "fail once": fails on the first run of this video only, so a batch retry succeeds.
        if (topic.includes('fail') && !(topic.includes('once') && n > 1)) {
          throw ApplicationFailure.nonRetryable(`cannot write about ${topic}`, 'BadInput');
        }
        if (topic.includes('slow')) await heartbeatUntilCancelled(30_000);
        return { scenes: [{ text: `About ${topic}.` }], provider: 'fake', cacheHit: false };
      },
    };
    const io: IoActivities = {
      synthesizeScene: async (i) => ({ index: i.index, audioPath: `a${i.index}.wav`, durationSeconds: 1, cacheHit: false }),
      findSceneVisual: async () => ({ source: 'background', reason: 'not used by batches here' }),
      generateSceneImage: async () => ({ source: 'background', reason: 'not used by batches here' }),
      cleanupVideo: async (i) => {
        const span = spans.get(i.videoId);
        if (span) span.end = Date.now();
      },
      lookupPipeline: async () => undefined,
      placePipelineHit: async () => undefined,
      storePipeline: async () => undefined,
      maintainCache: async () => ({ removed: 0, bytesFreed: 0 }),
      sweepRunFolders: async () => ({ removed: [], kept: 0 }),
      deliverWebhook: async () => ({ outcome: 'delivered' as const, status: 200 }),
      probeLibraryMedia: async () => {
        throw new Error('batches never sniff library files');
      },
    };
    const render: RenderActivities = {
      renderVideo: async (i: RenderVideoInput) => ({ path: `videos/${i.videoId}.mp4`, durationSeconds: 1, width: 2, height: 2, bytes: 1, cacheHit: false, attempt: 1 }),
    };
    const common = { connection: native, maxConcurrentWorkflowTaskExecutions: 100 };
    workers = await Promise.all([
      Worker.create({ ...common, taskQueue: config.taskQueues.io, workflowBundle: { codePath: BUNDLE }, activities: io, maxCachedWorkflows: 600 }),
      Worker.create({ ...common, taskQueue: config.taskQueues.llm, activities: llm }),
      Worker.create({ ...common, taskQueue: config.taskQueues.render, activities: render }),
    ]);
    running = Promise.all(workers.map((w) => w.run()));
    app = await createApp(config, { logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    for (const w of workers ?? []) w.shutdown();
    await running;
    await native?.close();
  });

  const api = () => request(app.getHttpServer());
  const waitForBatch = async (id: string, done: (b: BatchStatusView) => boolean = (b) => b.status !== 'running' && b.status !== 'queued') => {
    for (let i = 0; i < 1200; i++) {
      const res = await api().get(`/api/batches/${id}?limit=1000`);
      if (res.status === 200 && done(res.body)) return res.body as BatchStatusView;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`batch ${id} did not finish`);
  };

  it('never runs more than maxConcurrent items at once, and runs all of them', async () => {
    const items = Array.from({ length: 40 }, (_, i) => ({ topic: `item ${i}` }));
    const created = await api().post('/api/batches').send({ items, maxConcurrent: 4 }).expect(202);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^bat-/), status: 'queued', total: 40 });
    const batch = await waitForBatch(created.body.id);
    expect(batch).toMatchObject({ status: 'completed', total: 40, completed: 40, failed: 0, queued: 0, running: 0 });
    const recorded = batch.items.map((it) => spans.get(it.videoId)!);
    expect(recorded.every((s) => s && s.end)).toBe(true);
    const overlap = maxOverlap(recorded as Array<{ start: number; end: number }>);
    expect(overlap).toBeLessThanOrEqual(4);
    expect(overlap).toBeGreaterThan(1);
    // A window in submission order: item k always starts before item k + maxConcurrent.
    for (let k = 0; k + 4 < recorded.length; k++) expect(recorded[k]!.start).toBeLessThanOrEqual(recorded[k + 4]!.start);
  });

  it('merges items over defaults and names the bad item field in a 400', async () => {
    const res = await api()
      .post('/api/batches')
      .send({ items: [{ topic: 'ok' }, { render: { fps: 500 } }], defaults: { topic: 'x', render: { aspect: '1:1' } } })
      .expect(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['items.1.render.fps']);
    const limits = await api().post('/api/batches').send({ items: [], maxConcurrent: 51 }).expect(400);
    expect(limits.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['items', 'maxConcurrent']);
  });

  it('with stopOnError false runs every item, reports failures per item, and retries only the failed ones', async () => {
    const items = ['a', 'fail once b', 'c', 'fail once d', 'e'].map((topic) => ({ topic }));
    const created = await api().post('/api/batches').send({ items, maxConcurrent: 2 }).expect(202);
    const batch = await waitForBatch(created.body.id);
    expect(batch).toMatchObject({ status: 'completed', completed: 3, failed: 2, cancelled: 0 });
    expect(batch.items[1]).toMatchObject({ status: 'failed', error: { type: 'BadInput', message: 'cannot write about fail once b', stage: 'script' } });
    const before = attempts.get(batch.items[0]!.videoId);

    await api().post(`/api/batches/${created.body.id}/retry`).expect(202);
    const retried = await waitForBatch(created.body.id, (b) => b.status === 'completed' && b.failed === 0);
    expect(retried).toMatchObject({ completed: 5, failed: 0 });
    expect(retried.items[1]!.error).toBeUndefined();
    expect(attempts.get(batch.items[0]!.videoId)).toBe(before); // completed items did not run again
    expect(attempts.get(batch.items[1]!.videoId)).toBe(2);
    await api().post(`/api/batches/${created.body.id}/retry`).expect(409);
  });

  it('with stopOnError true cancels the running items, skips the rest and ends failed', async () => {
    const items = [{ topic: 'slow 1' }, { topic: 'fail now' }, ...Array.from({ length: 5 }, (_, i) => ({ topic: `later ${i}` }))];
    const created = await api().post('/api/batches').send({ items, maxConcurrent: 2, stopOnError: true }).expect(202);
    const batch = await waitForBatch(created.body.id);
    expect(batch).toMatchObject({ status: 'failed', failed: 1, completed: 0, running: 0, queued: 0, cancelled: 6 });
    expect(batch.items[0]!.status).toBe('cancelled');
    expect(batch.items[1]).toMatchObject({ status: 'failed', error: { type: 'BadInput', message: 'cannot write about fail now', stage: 'script' } });
  });

  it('cancels a batch and its running videos', async () => {
    const items = Array.from({ length: 6 }, (_, i) => ({ topic: `slow ${i}` }));
    const created = await api().post('/api/batches').send({ items, maxConcurrent: 3 }).expect(202);
    await waitForBatch(created.body.id, (b) => b.running === 3);
    await api().delete(`/api/batches/${created.body.id}`).expect(202);
    const batch = await waitForBatch(created.body.id);
    expect(batch).toMatchObject({ status: 'cancelled', cancelled: 6, running: 0, completed: 0 });
    const video = await api().get(`/api/videos/${batch.items[0]!.videoId}`).expect(200);
    expect(video.body.status).toBe('cancelled');
  });

  it('runs a large batch across several continue-as-new runs', async () => {
    const connection = await Connection.connect({ address: config.temporal.address });
    try {
      const client = new Client({ connection });
      const total = 400;
      const id = `bat-${randomUUID()}`;
      const handle = await client.workflow.start('batchWorkflow', {
        workflowId: id,
        taskQueue: config.taskQueues.io,
        args: [
          {
            request: { items: Array.from({ length: total }, (_, i) => ({ topic: `cheap ${i}` })), defaults: {}, maxConcurrent: 50, stopOnError: false },
            video: { ttsParallelism: 2, renderTaskQueue: config.taskQueues.render, llmTaskQueue: config.taskQueues.llm, ioTaskQueue: config.taskQueues.io },
            historyLimit: 300,
          },
        ],
      });
      const result = (await handle.result()) as BatchProgress;
      expect(result.status).toBe('completed');
      expect(result.items).toBe('c'.repeat(total));
      expect(result.runs).toBeGreaterThanOrEqual(3);
      const view = await api().get(`/api/batches/${id}?offset=390&limit=20`).expect(200);
      expect(view.body).toMatchObject({ total, completed: total, offset: 390 });
      expect(view.body.items.map((i: { index: number }) => i.index)).toEqual(Array.from({ length: 10 }, (_, k) => 390 + k));
    } finally {
      await connection.close();
    }
  }, 600_000);

  describe('schedules', () => {
    const batch = { items: [{ topic: 'scheduled a' }, { topic: 'scheduled b' }], maxConcurrent: 2 };

    it('creates a paused schedule, triggers it, and the run is a batch that completes', async () => {
      const id = `nightly-${randomUUID().slice(0, 8)}`;
      const created = await api()
        .post('/api/schedules')
        .send({ id, cron: '0 3 * * *', timezone: 'Europe/Paris', overlap: 'buffer_one', paused: true, batch })
        .expect(201);
      expect(created.body).toMatchObject({ id, paused: true, overlap: 'buffer_one', spec: { cron: ['0 3 * * *'], timezone: 'Europe/Paris' } });
      expect(created.body.nextRuns.length).toBeGreaterThan(0);
      // 03:00 in Paris is 01:00 or 02:00 UTC, depending on daylight saving time.
      expect(new Date(created.body.nextRuns[0]).getUTCHours()).toBeGreaterThanOrEqual(1);
      expect(new Date(created.body.nextRuns[0]).getUTCHours()).toBeLessThanOrEqual(2);
      expect(created.body.batch).toMatchObject({ items: batch.items, maxConcurrent: 2 });

      await api().post(`/api/schedules/${id}/trigger`).expect(202);
      let runs: Array<{ batchId: string }> = [];
      for (let i = 0; i < 100 && runs.length === 0; i++) {
        runs = (await api().get(`/api/schedules/${id}`).expect(200)).body.recentRuns;
        if (!runs.length) await new Promise((r) => setTimeout(r, 200));
      }
      expect(runs[0]!.batchId).toMatch(new RegExp(`^bat-${id}-`));
      const done = await waitForBatch(runs[0]!.batchId);
      expect(done).toMatchObject({ status: 'completed', completed: 2 });
      expect(done.items[0]!.videoId).toBe(`vid-${runs[0]!.batchId.slice(4)}-0`);
      await api().get(`/api/videos/${done.items[0]!.videoId}`).expect(200);

      const listed = await api().get('/api/schedules').expect(200);
      expect(listed.body.items.map((s: { id: string }) => s.id)).toContain(id);
      expect((await api().post(`/api/schedules/${id}/unpause`).expect(200)).body.paused).toBe(false);
      expect((await api().post(`/api/schedules/${id}/pause`).expect(200)).body.paused).toBe(true);
      await api().delete(`/api/schedules/${id}`).expect(204);
      await api().get(`/api/schedules/${id}`).expect(404);
    });

    it('takes an interval instead of a cron expression', async () => {
      const id = `hourly-${randomUUID().slice(0, 8)}`;
      const res = await api().post('/api/schedules').send({ id, intervalSeconds: 3600, paused: true, batch }).expect(201);
      expect(res.body.spec).toEqual({ intervalSeconds: [3600], timezone: 'UTC' });
      await api().delete(`/api/schedules/${id}`).expect(204);
    });

    it('rejects a bad cron expression, an unknown time zone and a duplicate id clearly', async () => {
      const id = `bad-${randomUUID().slice(0, 8)}`;
      const cron = await api().post('/api/schedules').send({ id, cron: '61 * * * *', batch }).expect(400);
      expect(cron.body.error.details[0].field).toBe('cron');
      const tz = await api().post('/api/schedules').send({ id, cron: '0 3 * * *', timezone: 'Mars/Olympus', batch }).expect(400);
      expect(tz.body.error.details.map((d: { field: string }) => d.field)).toEqual(['timezone']);
      const neither = await api().post('/api/schedules').send({ id, batch }).expect(400);
      expect(neither.body.error.message).toContain('exactly one of cron or intervalSeconds');
      const badItem = await api().post('/api/schedules').send({ id, cron: '0 3 * * *', batch: { items: [{ topic: 'x', render: { fps: 0 } }] } }).expect(400);
      expect(badItem.body.error.details[0].field).toBe('items.0.render.fps');
      await api().post('/api/schedules').send({ id, intervalSeconds: 60, paused: true, batch }).expect(201);
      const dup = await api().post('/api/schedules').send({ id, intervalSeconds: 60, paused: true, batch }).expect(409);
      expect(dup.body.error.message).toContain(id);
      await api().delete(`/api/schedules/${id}`).expect(204);
      await api().post('/api/schedules/no-such-schedule/trigger').expect(404);
    });
  });

});
