import { NestFactory } from '@nestjs/core';
import { Client, Connection } from '@temporalio/client';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig, type VidflowConfig } from '@vidflow/config';
import {
  WEBHOOK_WORKFLOW,
  type BatchStatusView,
  type TranscriptionStatusView,
  type VideoStatusView,
  type WebhookDeliveryInput,
  type WebhookEvent,
  type WebhookState,
} from '@vidflow/contracts';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createApp } from '../apps/api/src/create-app';
import { TemporalWorkerService } from '../apps/worker/src/temporal-worker.service';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { quietTemporalLogs, testEnv, waitForVideo, writeSlowBackground } from './support/test-stack';

// Two secrets: the worker signs with both (a rotation in progress); the receiver verifies with each on its own.
const OLD_SECRET = 'whsec_' + Buffer.from('the old secret, thirty-two bytes').toString('base64');
const NEW_SECRET = 'whsec_' + Buffer.from('the new secret, thirty-two bytes').toString('base64');

interface Delivery {
  headers: IncomingHttpHeaders;
  event: WebhookEvent;
  verifiedWith: string[];
}

/** A webhook receiver on a free local port that verifies every request with `standardwebhooks`. */
class Receiver {
  readonly deliveries: Delivery[] = [];
  /**
   * Answers for the next requests to a path, in order; 200 once they run out. Per path: a delivery still retrying
   * from another test file whose receiver had this port before must not take a test's answer.
   */
  private readonly answers = new Map<string, Array<(res: ServerResponse) => void>>();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const verifiedWith = Object.entries({ old: OLD_SECRET, new: NEW_SECRET }).flatMap(([name, secret]) => {
          try {
            new Webhook(secret).verify(body, req.headers as Record<string, string>);
            return [name];
          } catch {
            return [];
          }
        });
        this.deliveries.push({ headers: req.headers, event: JSON.parse(body) as WebhookEvent, verifiedWith });
        (this.answers.get(req.url ?? '')?.shift() ?? ((r) => r.writeHead(200).end()))(res);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The answers for the next requests to `${this.url}${path}`. */
  answer(path: string, ...answers: Array<(res: ServerResponse) => void>): void {
    this.answers.set(path, answers);
  }

  for(subject: string): Delivery[] {
    return this.deliveries.filter((d) => (d.event.data as { id?: string }).id === subject);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The API in this process plus a worker that the test can stop and start again (a worker restart). */
class Stack {
  config!: VidflowConfig;
  app!: NestExpressApplication;
  api!: TestAgent;
  private worker?: { stop(): Promise<void> };

  async start(): Promise<void> {
    quietTemporalLogs();
    this.config = loadConfig(testEnv({ WORKER_HTTP_PORT: '0', WEBHOOK_SECRET: `${OLD_SECRET} ${NEW_SECRET}`, WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }));
    await this.startWorker();
    this.app = await createApp(this.config, { logger: false });
    await this.app.init();
    this.api = request(this.app.getHttpServer());
  }

  async startWorker(): Promise<void> {
    const ctx = await NestFactory.createApplicationContext(WorkerModule.forRoot(this.config), { logger: false });
    const service = ctx.get(TemporalWorkerService);
    const running = service.run();
    this.worker = {
      async stop() {
        service.shutdownWorkers();
        await running;
        await ctx.close();
      },
    };
  }

  async stopWorker(): Promise<void> {
    await this.worker?.stop();
    this.worker = undefined;
  }

  async stop(): Promise<void> {
    await this.app?.close();
    await this.stopWorker();
  }
}

const until = async <T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 120_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${what}: not reached in ${timeoutMs / 1000}s; last: ${JSON.stringify(last)}`);
};

describe('completion webhooks end to end (real Temporal, worker, receiver verifying with standardwebhooks)', () => {
  const stack = new Stack();
  const receiver = new Receiver();
  beforeAll(async () => {
    await receiver.start();
    await stack.start();
  });
  afterAll(async () => {
    await stack.stop();
    await receiver.close();
  });

  const status = async (id: string) => (await stack.api.get(`/api/videos/${id}`).expect(200)).body as VideoStatusView;
  const webhookSettled = (id: string) => until(`webhook of ${id}`, () => status(id), (s) => s.webhook?.status !== 'pending');
  /** The deliveries of `id` after one 500: two, each verified with both secrets, one webhook-id and one body. */
  const retriedOnce = (id: string): Delivery[] => {
    const got = receiver.for(id);
    expect(got).toHaveLength(2);
    expect(got.map((d) => d.verifiedWith)).toEqual([
      ['old', 'new'],
      ['old', 'new'],
    ]);
    expect(got[1]!.headers['webhook-id']).toBe(got[0]!.headers['webhook-id']);
    expect(got[0]!.headers['webhook-id']).toMatch(new RegExp(`^msg_${id}_`));
    expect(got[1]!.event).toEqual(got[0]!.event);
    return got;
  };

  it('answered 500 then 200: delivered once more with the same webhook-id, signed with both secrets, attempts in the status', async () => {
    receiver.answer('/hooks/a', (res) => res.writeHead(500).end('oops'));
    const created = await stack.api
      .post('/api/videos')
      .send({ script: 'Webhooks say when a video is done.', render: { height: 240 }, callbackUrl: `${receiver.url}/hooks/a` })
      .expect(202);
    const id = (created.body as { id: string }).id;
    const done = await waitForVideo(stack.api, id);
    // The video's own status does not wait for the receiver.
    expect(done.status).toBe('completed');
    expect(done.webhook).toBeDefined();
    const settled = await webhookSettled(id);
    expect(settled.webhook).toEqual({ status: 'delivered', attempts: 2, deliveredAt: expect.any(String) });

    const got = retriedOnce(id);
    expect(got[0]!.event).toMatchObject({
      type: 'video.completed',
      data: { id, status: 'completed', progress: 1, result: { file: `/api/videos/${id}/file`, height: 240 } },
    });
  });

  it('a failed video: video.failed; a 410 stops at once (failed after one attempt)', async () => {
    receiver.answer('/hooks/b', (res) => res.writeHead(410).end('unsubscribed'));
    const created = await stack.api
      .post('/api/videos')
      .send({ scenes: [{ text: 'No such picture.', background: { image: 'missing.png' } }], render: { height: 240 }, callbackUrl: `${receiver.url}/hooks/b` })
      .expect(202);
    const id = (created.body as { id: string }).id;
    expect((await waitForVideo(stack.api, id)).status).toBe('failed');
    const settled = await webhookSettled(id);
    expect(settled.webhook).toEqual({ status: 'failed', attempts: 1, lastError: 'HTTP 410 Gone: unsubscribed' });
    const got = receiver.for(id);
    expect(got).toHaveLength(1);
    expect(got[0]!.event).toMatchObject({ type: 'video.failed', data: { id, status: 'failed', error: { type: 'BadMedia' } } });
  });

  it('a cancelled video: video.cancelled, delivered although the run was cancelled', async () => {
    const created = await stack.api
      .post('/api/videos')
      .send({
        topic: 'the history of clocks',
        // A 90 s render at 60 fps over a video background takes far longer than the cancel (a small, short one
        // finished its render before the DELETE arrived on a quiet machine, and the run was cancelled at `done`).
        llm: { targetSeconds: 90 },
        render: { fps: 60, background: { video: writeSlowBackground(stack.config.mediaDir) } },
        callbackUrl: `${receiver.url}/hooks/cancel`,
      })
      .expect(202);
    const id = (created.body as { id: string }).id;
    await waitForVideo(stack.api, id, (s) => s.stage === 'render');
    await stack.api.delete(`/api/videos/${id}`).expect(202);
    expect((await waitForVideo(stack.api, id)).status).toBe('cancelled');
    expect((await webhookSettled(id)).webhook).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(receiver.for(id).map((d) => d.event)).toEqual([
      expect.objectContaining({ type: 'video.cancelled', data: expect.objectContaining({ id, status: 'cancelled', stage: 'render' }) }),
    ]);
  });

  it('a worker stopped while a delivery waits to retry: delivered after the worker is back', async () => {
    receiver.answer('/hooks/c', (res) => res.writeHead(503).end());
    const created = await stack.api
      .post('/api/videos')
      .send({ script: 'Durable deliveries survive restarts.', render: { height: 240 }, callbackUrl: `${receiver.url}/hooks/c` })
      .expect(202);
    const id = (created.body as { id: string }).id;
    await waitForVideo(stack.api, id);
    await until('first attempt', async () => receiver.for(id).length, (n) => n === 1);
    await stack.stopWorker();
    // Past the 5 s backoff: the retry is due while no worker runs.
    await new Promise((r) => setTimeout(r, 7000));
    expect(receiver.for(id)).toHaveLength(1);
    await stack.startWorker();
    const settled = await webhookSettled(id);
    expect(settled.webhook).toMatchObject({ status: 'delivered', attempts: 2 });
    const got = receiver.for(id);
    expect(got).toHaveLength(2);
    expect(got[1]!.headers['webhook-id']).toBe(got[0]!.headers['webhook-id']);
  });

  /** What GET answers for a batch or a transcription, followed until it is terminal and then until its webhook settles. */
  const statusAt = async <T extends { status: string; webhook?: WebhookState }>(path: string) => (await stack.api.get(path).expect(200)).body as T;
  const terminal = <T extends { status: string; webhook?: WebhookState }>(path: string) =>
    until(path, () => statusAt<T>(path), (s) => ['completed', 'failed', 'cancelled'].includes(s.status), 180_000);
  const settledAt = <T extends { status: string; webhook?: WebhookState }>(path: string) => until(`webhook of ${path}`, () => statusAt<T>(path), (s) => s.webhook?.status !== 'pending');
  /** A delivery's `data` is the status GET answered (without the webhook's own state; updated when the run announced). */
  const asAnnounced = <T extends { webhook?: WebhookState; updatedAt?: string }>(status: T) => {
    const { webhook: _webhook, updatedAt: _updatedAt, ...rest } = status;
    return { ...rest, updatedAt: expect.any(String) };
  };

  it('a batch answered 500 then 200: batch.completed delivered once more with the same webhook-id, its data the batch status; the status shows it', async () => {
    receiver.answer('/hooks/batch', (res) => res.writeHead(500).end('oops'));
    const created = await stack.api
      .post('/api/batches')
      .send({ items: [{ script: 'Batches say when they are done.' }], defaults: { render: { height: 240 } }, callbackUrl: `${receiver.url}/hooks/batch` })
      .expect(202);
    const id = (created.body as { id: string }).id;
    const path = `/api/batches/${id}`;
    const done = await terminal<BatchStatusView>(path);
    expect(done).toMatchObject({ status: 'completed', completed: 1, webhook: expect.any(Object) });
    const settled = await settledAt<BatchStatusView>(path);
    expect(settled.webhook).toEqual({ status: 'delivered', attempts: 2, deliveredAt: expect.any(String) });

    const got = retriedOnce(id);
    expect(got[0]!.event).toEqual({ type: 'batch.completed', timestamp: expect.any(String), data: asAnnounced(settled) });
    // The batch's callbackUrl is the batch's: its item video announces nothing.
    expect(receiver.for(settled.items[0]!.videoId)).toEqual([]);
  });

  it('a cancelled batch: batch.cancelled, delivered although the run was cancelled', async () => {
    const created = await stack.api
      .post('/api/batches')
      .send({
        // As the cancelled video above: a render far longer than the cancel.
        items: [{ topic: 'the history of sundials', llm: { targetSeconds: 90 }, render: { fps: 60, background: { video: writeSlowBackground(stack.config.mediaDir, 'batch.mp4') } } }],
        callbackUrl: `${receiver.url}/hooks/batch-cancel`,
      })
      .expect(202);
    const id = (created.body as { id: string }).id;
    const path = `/api/batches/${id}`;
    const running = await until(path, () => statusAt<BatchStatusView>(path), (b) => b.running === 1);
    await waitForVideo(stack.api, running.items[0]!.videoId, (s) => s.stage === 'render');
    await stack.api.delete(path).expect(202);
    expect((await terminal<BatchStatusView>(path)).status).toBe('cancelled');
    const settled = await settledAt<BatchStatusView>(path);
    expect(settled.webhook).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(receiver.for(id).map((d) => d.event)).toEqual([{ type: 'batch.cancelled', timestamp: expect.any(String), data: asAnnounced(settled) }]);
    expect(settled).toMatchObject({ status: 'cancelled', cancelled: 1 });
  });

  it('a transcription answered 500 then 200: transcription.completed delivered once more with the same webhook-id, its data the status', async () => {
    const video = await stack.api.post('/api/videos').send({ script: 'Transcriptions say when they are done.', render: { height: 240 } }).expect(202);
    const videoId = (video.body as { id: string }).id;
    expect((await waitForVideo(stack.api, videoId)).status).toBe('completed');
    receiver.answer('/hooks/transcription', (res) => res.writeHead(500).end('oops'));
    const created = await stack.api
      .post('/api/transcriptions')
      .send({ source: { video: videoId }, formats: ['srt', 'txt'], callbackUrl: `${receiver.url}/hooks/transcription` })
      .expect(202);
    const id = (created.body as { id: string }).id;
    const path = `/api/transcriptions/${id}`;
    expect((await terminal<TranscriptionStatusView>(path)).status).toBe('completed');
    const settled = await settledAt<TranscriptionStatusView>(path);
    expect(settled.webhook).toEqual({ status: 'delivered', attempts: 2, deliveredAt: expect.any(String) });

    const got = retriedOnce(id);
    expect(got[0]!.event).toEqual({ type: 'transcription.completed', timestamp: expect.any(String), data: asAnnounced(settled) });
    expect(settled.result!.files).toEqual({ srt: `${path}/subtitles.srt`, txt: `${path}/subtitles.txt` });
  });

  it('POST /api/webhooks/test sends one signed ping; bad URLs are refused naming the field', async () => {
    const sent = await stack.api.post('/api/webhooks/test').send({ url: `${receiver.url}/hooks/ping` }).expect(200);
    expect(sent.body).toMatchObject({ url: `${receiver.url}/hooks/ping`, webhook: { status: 'delivered', attempts: 1 } });
    const ping = receiver.deliveries.find((d) => d.headers['webhook-id'] === (sent.body as { webhookId: string }).webhookId);
    expect(ping).toMatchObject({ event: { type: 'ping' }, verifiedWith: ['old', 'new'] });

    const bad = await stack.api.post('/api/webhooks/test').send({ url: 'not a url' }).expect(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'url' })]);
    const badVideo = await stack.api.post('/api/videos').send({ script: 'x', callbackUrl: 'ftp://example.com/hook' }).expect(400);
    expect(badVideo.body.error.details).toEqual([{ field: 'callbackUrl', message: 'only http and https URLs are accepted' }]);
  });

  it('gives up once the next wait would pass retryHours, after waiting at least the backoff (Retry-After shorter than it)', async () => {
    receiver.answer('/hooks/give-up', (res) => res.writeHead(429, { 'retry-after': '1' }).end(), (res) => res.writeHead(503).end());
    const connection = await Connection.connect({ address: stack.config.temporal.address });
    try {
      const client = new Client({ connection, namespace: stack.config.temporal.namespace });
      const subject = `give-up-${Date.now()}`;
      const input: WebhookDeliveryInput = {
        messageId: `msg_${subject}`,
        url: `${receiver.url}/hooks/give-up`,
        event: { type: 'ping', timestamp: new Date().toISOString(), data: { id: subject } },
        // 10.8 s: the 5 s wait after the first attempt fits, the 10 s one after the second does not.
        retryHours: 0.003,
      };
      const state = (await client.workflow.execute(WEBHOOK_WORKFLOW, { workflowId: `whk-${subject}`, taskQueue: stack.config.taskQueues.io, args: [input] })) as WebhookState;
      expect(state).toEqual({ status: 'failed', attempts: 2, lastError: 'HTTP 503 Service Unavailable (gave up after 2 attempts within WEBHOOK_RETRY_HOURS=0.003)' });
      const got = receiver.for(subject);
      expect(got).toHaveLength(2);
      // The retry came after the 5 s backoff (a durable timer), not after the receiver's shorter Retry-After.
      const at = got.map((d) => Number(d.headers['webhook-timestamp']));
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(4);
    } finally {
      await connection.close();
    }
  });
});
