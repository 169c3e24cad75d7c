import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import {
  batchItemVideoId,
  batchStatusQuery,
  type BatchProgress,
  type BatchStatusView,
  type BatchWorkflowInput,
  type WebhookAttemptInput,
  webhookWorkflowId,
  type WriteScriptInput,
} from '@vidflow/contracts';
import { randomUUID } from 'node:crypto';
import { deliveryInput } from './testing/delivery-input';
import { cachedProgress, heartbeatUntilCancelled } from './testing/fake-activities';
import { type FakeStack, withFakeWorkers } from './testing/fake-workers';
import { maxOverlap } from './testing/max-overlap';

/**
 * The batch workflow on the real Temporal dev server, its items real child video workflows with fake activities:
 * the sliding window, failures with and without stopOnError, cancellation, cache hits, retrying from a carried
 * state, and continue-as-new. The item's topic tells the fakes what to do ("fail", "slow", "cached").
 */
describe('batchWorkflow', () => {
  const spans = new Map<string, { start: number; end?: number }>();
  const topic = (i: WriteScriptInput) => i.topic ?? '';
  const behaviour = {
    writeScript: async (i: WriteScriptInput) => {
      spans.set(i.videoId, { start: Date.now() });
      if (topic(i).includes('fail')) throw ApplicationFailure.nonRetryable(`cannot write about ${topic(i)}`, 'BadInput');
      if (topic(i).includes('slow')) await heartbeatUntilCancelled(120_000);
      else await new Promise((r) => setTimeout(r, 40));
      return { scenes: [{ text: `About ${topic(i)}.` }], provider: 'fake', cacheHit: false };
    },
    cleanupVideo: async (i: { videoId: string }) => {
      const span = spans.get(i.videoId);
      if (span) span.end = Date.now();
    },
    lookupPipeline: async (i: { videoId: string; request: { topic?: string } }) => (i.request.topic?.includes('cached') ? cachedProgress(i.videoId) : undefined),
  };

  const input = (stack: FakeStack, topics: string[], options: Partial<BatchWorkflowInput['request']> & Pick<BatchWorkflowInput, 'carry' | 'historyLimit'> = {}): BatchWorkflowInput => {
    const { carry, historyLimit, ...request } = options;
    return {
      request: { items: topics.map((t) => ({ topic: t })), defaults: {}, maxConcurrent: 2, stopOnError: false, ...request } as BatchWorkflowInput['request'],
      video: stack.batchVideo(),
      ...(carry ? { carry } : {}),
      ...(historyLimit ? { historyLimit } : {}),
    };
  };
  const start = (stack: FakeStack, args: BatchWorkflowInput, id = `bat-${randomUUID()}`) =>
    stack.client.workflow.start('batchWorkflow', { workflowId: id, taskQueue: stack.taskQueues.io, args: [args] });

  it('runs every item, never more than maxConcurrent at once, started in submission order', async () => {
    await withFakeWorkers(behaviour, async (stack) => {
      const topics = Array.from({ length: 12 }, (_, i) => `item ${i}`);
      const handle = await start(stack, input(stack, topics, { maxConcurrent: 3 }));
      const result = await handle.result();
      expect(result).toEqual({ batchId: handle.workflowId, status: 'completed', items: 'c'.repeat(12), errors: {}, cacheHits: 0, runs: 0 });
      const recorded = topics.map((_, i) => spans.get(batchItemVideoId(handle.workflowId, i))!);
      expect(recorded.every((s) => s?.end !== undefined)).toBe(true);
      const overlap = maxOverlap(recorded as Array<{ start: number; end: number }>);
      expect(overlap).toBeLessThanOrEqual(3);
      expect(overlap).toBeGreaterThan(1);
      // A sliding window in submission order: item k + 3 starts after item k, and only once k + 1 of the k + 3
      // items before it have finished (at most two of them still run beside it).
      for (let k = 0; k + 3 < recorded.length; k++) {
        const ends = recorded.slice(0, k + 3).map((s) => s.end!).sort((a, b) => a - b);
        expect(recorded[k + 3]!.start).toBeGreaterThanOrEqual(ends[k]!);
        expect(recorded[k + 3]!.start).toBeGreaterThanOrEqual(recorded[k]!.start);
      }
      // Each item is a child video workflow under its deterministic id.
      const child = await stack.client.workflow.getHandle(batchItemVideoId(handle.workflowId, 5)).describe();
      expect(child.status.name).toBe('COMPLETED');
    });
  });

  it('with stopOnError false finishes every item and reports each failure by index', async () => {
    await withFakeWorkers(behaviour, async (stack) => {
      const handle = await start(stack, input(stack, ['a', 'fail b', 'c', 'fail d', 'e']));
      const result = await handle.result();
      expect(result).toMatchObject({ status: 'completed', items: 'cfcfc', errors: { 1: { type: 'BadInput', message: 'cannot write about fail b', stage: 'script' }, 3: { type: 'BadInput', message: 'cannot write about fail d', stage: 'script' } } });
      const failed = await stack.client.workflow.getHandle(batchItemVideoId(handle.workflowId, 1)).describe();
      expect(failed.status.name).toBe('FAILED');
    });
  });

  it('with stopOnError true cancels the running items, skips the rest and fails naming the first error', async () => {
    await withFakeWorkers(behaviour, async (stack) => {
      const handle = await start(stack, input(stack, ['slow 0', 'fail now', 'later 2', 'later 3', 'later 4'], { stopOnError: true }));
      const error = await handle.result().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
      expect({ type: cause.type, message: cause.message }).toEqual({ type: 'BatchFailed', message: 'item failed and stopOnError is set: cannot write about fail now' });
      expect(await handle.query(batchStatusQuery)).toMatchObject({ status: 'failed', items: 'xfxxx', errors: { 1: { type: 'BadInput', message: 'cannot write about fail now', stage: 'script' } } });
      // The running item was really cancelled (its child run ended CANCELLED), the queued ones never started.
      expect((await stack.client.workflow.getHandle(batchItemVideoId(handle.workflowId, 0)).describe()).status.name).toBe('CANCELLED');
      expect([2, 3, 4].map((i) => spans.has(batchItemVideoId(handle.workflowId, i)))).toEqual([false, false, false]);
    });
  });

  it('a cancelled batch cancels its running videos, marks the queued ones cancelled and ends cancelled', async () => {
    await withFakeWorkers(behaviour, async (stack) => {
      const handle = await start(stack, input(stack, ['slow 0', 'slow 1', 'slow 2', 'slow 3'], { maxConcurrent: 2 }));
      for (let i = 0; i < 300 && (await handle.query(batchStatusQuery)).items !== 'rrqq'; i++) await new Promise((r) => setTimeout(r, 100));
      expect((await handle.query(batchStatusQuery)).items).toBe('rrqq');
      await handle.cancel();
      await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
      expect((await handle.describe()).status.name).toBe('CANCELLED');
      expect(await handle.query(batchStatusQuery)).toMatchObject({ status: 'cancelled', items: 'xxxx' });
      const children = await Promise.all([0, 1].map((i) => stack.client.workflow.getHandle(batchItemVideoId(handle.workflowId, i)).describe()));
      expect(children.map((c) => c.status.name)).toEqual(['CANCELLED', 'CANCELLED']);
    });
  });

  it('counts the items the pipeline cache answered', async () => {
    await withFakeWorkers(behaviour, async (stack) => {
      const result = await (await start(stack, input(stack, ['cached a', 'new b', 'cached c']))).result();
      expect(result).toMatchObject({ status: 'completed', items: 'ccc', cacheHits: 2 });
    });
  });

  it('started from a carried state (a retry) runs only the queued items and keeps the rest', async () => {
    await withFakeWorkers(behaviour, async (stack) => {
      const id = `bat-${randomUUID()}`;
      const carry: BatchProgress = { batchId: id, status: 'running', items: 'cqcx', errors: {}, cacheHits: 1, runs: 0 };
      const result = await (await start(stack, input(stack, ['a', 'b', 'c', 'd'], { carry }), id)).result();
      expect(result).toEqual({ batchId: id, status: 'completed', items: 'cccx', errors: {}, cacheHits: 1, runs: 0 });
      expect([0, 1, 2, 3].map((i) => spans.has(batchItemVideoId(id, i)))).toEqual([false, true, false, false]);
    });
  });

  it('continues as new whenever its history passes historyLimit, carrying the items state across runs', async () => {
    await withFakeWorkers(behaviour, async (stack) => {
      // An item costs 6 to 12 events (fewer when a loaded worker answers several in one workflow task), so 40
      // items pass a limit of 60 at least twice however busy the machine is.
      const total = 40;
      const historyLimit = 60;
      const callbackUrl = 'https://hooks.example.com/batches';
      const handle = await start(stack, input(stack, Array.from({ length: total }, (_, i) => `cheap ${i}`), { maxConcurrent: 4, historyLimit, callbackUrl }));
      const result = await handle.result();
      expect(result).toMatchObject({ status: 'completed', items: 'c'.repeat(total), errors: {} });
      expect(result.runs).toBeGreaterThanOrEqual(2);
      // One webhook, from the last run, with the times GET /api/batches/:id shows (the latest run's describe).
      const last = await handle.describe();
      expect(await deliveryInput(stack.client, handle.workflowId)).toMatchObject({
        messageId: `msg_${handle.workflowId}_${last.runId}`,
        event: { type: 'batch.completed', data: { completed: total, createdAt: last.startTime.toISOString() } },
      });
      // The first run ended by continuing as new, and no run's history grew far past the limit (it stops
      // starting items at the limit and waits for the running ones, a few events each).
      const first = await stack.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe();
      expect(first.status.name).toBe('CONTINUED_AS_NEW');
      // (About a dozen events an item: without the limit, this run's 40 items would have made some 480.)
      expect(first.historyLength).toBeLessThan(historyLimit + 4 * 12);
      // Every item ran exactly once, across the runs.
      expect(Array.from({ length: total }, (_, i) => spans.has(batchItemVideoId(handle.workflowId, i)))).toEqual(Array(total).fill(true));
    });
  });

  describe('the completion webhook (request.callbackUrl)', () => {
    const callbackUrl = 'https://hooks.example.com/batches';
    /** The fake receiver's deliveries, and the delivery workflow of `batchId` followed to its end. */
    const sent: WebhookAttemptInput[] = [];
    const receiving = {
      ...behaviour,
      deliverWebhook: async (i: WebhookAttemptInput) => {
        sent.push(i);
        return { outcome: 'delivered' as const, status: 200 };
      },
    };
    const delivered = (stack: FakeStack, batchId: string) => stack.client.workflow.getHandle(webhookWorkflowId(batchId)).result();
    const eventsOf = (batchId: string) => sent.filter((s) => (s.event.data as BatchStatusView).id === batchId);

    it('a completed batch starts one delivery of batch.completed, its data the status the API shows; the state says pending', async () => {
      await withFakeWorkers(receiving, async (stack) => {
        const handle = await start(stack, input(stack, ['a', 'b'], { callbackUrl }));
        const result = await handle.result();
        expect(result).toMatchObject({ status: 'completed', items: 'cc', webhook: { status: 'pending', attempts: 0 } });
        expect(await delivered(stack, handle.workflowId)).toEqual({ status: 'delivered', attempts: 1, deliveredAt: expect.any(String) });
        const runId = (await handle.describe()).runId;
        expect(eventsOf(handle.workflowId)).toEqual([
          {
            messageId: `msg_${handle.workflowId}_${runId}`,
            url: callbackUrl,
            attempt: 1,
            event: {
              type: 'batch.completed',
              timestamp: expect.any(String),
              data: {
                id: handle.workflowId,
                status: 'completed',
                total: 2,
                completed: 2,
                failed: 0,
                cancelled: 0,
                running: 0,
                queued: 0,
                cacheHits: 0,
                items: [0, 1].map((index) => ({ index, videoId: batchItemVideoId(handle.workflowId, index), status: 'completed' })),
                offset: 0,
                limit: 100,
                createdAt: expect.any(String),
                updatedAt: expect.any(String),
              },
            },
          },
        ]);
        // The items' own callbackUrl is theirs: the batch's is not passed down to its videos.
        expect(sent.filter((s) => (s.event.data as { id: string }).id.startsWith('vid-'))).toEqual([]);
      });
    });

    it('a batch failed by stopOnError announces batch.failed, one cancelled while running batch.cancelled', async () => {
      await withFakeWorkers(receiving, async (stack) => {
        const failed = await start(stack, input(stack, ['fail 0', 'slow 1'], { callbackUrl, stopOnError: true }));
        await expect(failed.result()).rejects.toThrow(WorkflowFailedError);
        await delivered(stack, failed.workflowId);
        expect(eventsOf(failed.workflowId).map((s) => s.event)).toEqual([
          expect.objectContaining({ type: 'batch.failed', data: expect.objectContaining({ status: 'failed', failed: 1, cancelled: 1 }) }),
        ]);

        const cancelled = await start(stack, input(stack, ['slow 0', 'slow 1', 'slow 2'], { callbackUrl, maxConcurrent: 2 }));
        for (let i = 0; i < 300 && (await cancelled.query(batchStatusQuery)).items !== 'rrq'; i++) await new Promise((r) => setTimeout(r, 100));
        await cancelled.cancel();
        await expect(cancelled.result()).rejects.toThrow(WorkflowFailedError);
        expect(await cancelled.query(batchStatusQuery)).toMatchObject({ status: 'cancelled', webhook: { status: 'pending', attempts: 0 } });
        expect(await delivered(stack, cancelled.workflowId)).toMatchObject({ status: 'delivered', attempts: 1 });
        expect(eventsOf(cancelled.workflowId).map((s) => s.event)).toEqual([
          expect.objectContaining({ type: 'batch.cancelled', data: expect.objectContaining({ status: 'cancelled', cancelled: 3 }) }),
        ]);

        // Cancelled once its last item has started (no item waits in the window): it still ends cancelled.
        const started = await start(stack, input(stack, ['slow 0'], { callbackUrl }));
        for (let i = 0; i < 300 && (await started.query(batchStatusQuery)).items !== 'r'; i++) await new Promise((r) => setTimeout(r, 100));
        await started.cancel();
        await expect(started.result()).rejects.toThrow(WorkflowFailedError);
        expect((await started.describe()).status.name).toBe('CANCELLED');
        await delivered(stack, started.workflowId);
        expect(eventsOf(started.workflowId).map((s) => s.event)).toEqual([
          expect.objectContaining({ type: 'batch.cancelled', data: expect.objectContaining({ status: 'cancelled', cancelled: 1 }) }),
        ]);
      });
    });

    it('without callbackUrl no delivery workflow is started', async () => {
      await withFakeWorkers(receiving, async (stack) => {
        const handle = await start(stack, input(stack, ['a']));
        expect(await handle.result()).not.toHaveProperty('webhook');
        await expect(stack.client.workflow.getHandle(webhookWorkflowId(handle.workflowId)).describe()).rejects.toThrow(/not found/i);
      });
    });
  });
});
