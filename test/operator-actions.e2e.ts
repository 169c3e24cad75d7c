import { Client, Connection } from '@temporalio/client';
import type { VideoStatusView } from '@vidflow/contracts';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ffmpegProcessesWriting } from './support/processes';
import { startTestStack, type TestStack, waitForVideo, writeSlowBackground } from './support/test-stack';

/**
 * What an operator does in the Temporal CLI or Web UI, done here through the Temporal client as the CLI does it
 * (terminate, reset), against the real API and worker: the statuses the API then gives, the files left, and the
 * maintenance workflow's folder sweep.
 */
describe('operator actions through Temporal', () => {
  let stack: TestStack;
  let connection: Connection;
  let client: Client;
  beforeAll(async () => {
    // No grace period, so the sweep run by this test may remove the folders of runs closed a moment ago.
    stack = await startTestStack({ SWEEP_GRACE_SECONDS: '0', TTS_PARALLELISM: '1' });
    connection = await Connection.connect({ address: stack.config.temporal.address });
    client = new Client({ connection, namespace: stack.config.temporal.namespace });
  });
  afterAll(async () => {
    await stack?.stop();
    await connection?.close();
  });

  const leftovers = (id: string) => ['work', 'tmp'].flatMap((d) => (existsSync(join(stack.config.dataDir, d, id)) ? [`${d}/${id}`] : []));
  const runningStages = (s: VideoStatusView) => Object.entries(s.stages).filter(([, st]) => st.status === 'running').map(([n]) => n);
  /** Many long scenes spoken one at a time (TTS_PARALLELISM=1): the speech stage lasts long enough to be caught. */
  const longSpeech = () => ({
    scenes: Array.from({ length: 30 }, (_, i) => ({ text: `Scene ${i + 1}. ${'Lighthouses guided ships along dangerous coasts for centuries. '.repeat(6)}` })),
  });
  /** A 90-second video at 60 fps on a moving background: the render lasts long enough to be caught (a 3 s script's
   *  render can finish between two status reads on a quiet machine). */
  const slowRender = () => ({
    topic: 'the history of clocks',
    llm: { targetSeconds: 90 },
    render: { fps: 60, background: { video: writeSlowBackground(stack.config.mediaDir) } },
  });
  const post = async (body: object) => (await stack.api.post('/api/videos').send(body).expect(202)).body.id as string;
  /** Starts the maintenance workflow as its schedule does (the schedule itself may point at another test's queue). */
  const sweep = () =>
    client.workflow.execute('cacheMaintenanceWorkflow', { workflowId: `maintenance-${randomUUID()}`, taskQueue: stack.config.taskQueues.io, args: [] }) as Promise<{
      sweptFolders?: number;
    }>;

  it('terminate during speech and during render: failed, Terminated in that stage, nothing running; the sweep removes only closed runs\' folders', async () => {
    const speaking = await post(longSpeech());
    const seen = await waitForVideo(stack.api, speaking, (s) => s.stage === 'tts' && s.stages.tts.done >= 1);
    await client.workflow.getHandle(speaking).terminate('stuck, terminated by the operator');
    const afterSpeech = await waitForVideo(stack.api, speaking);
    expect(afterSpeech).toMatchObject({ status: 'failed', stage: 'tts', error: { type: 'Terminated', message: 'stuck, terminated by the operator', stage: 'tts' } });
    expect(afterSpeech.stages.script.status).toBe('completed');
    expect(afterSpeech.stages.tts.status).toBe('failed');
    expect(afterSpeech.stages.tts.done).toBeGreaterThanOrEqual(seen.stages.tts.done);
    expect(afterSpeech.stages.render.status).toBe('pending');
    expect(runningStages(afterSpeech)).toEqual([]);
    expect(afterSpeech.progress).toBeGreaterThanOrEqual(seen.progress);
    await stack.api.get(`/api/videos/${speaking}/file`).expect(409);
    // A terminated run never reaches cleanupVideo: its scene audio is still there.
    expect(leftovers(speaking)).toContain(`work/${speaking}`);

    const rendering = await post(slowRender());
    const live = await waitForVideo(stack.api, rendering, (s) => s.stage === 'render' && s.stages.render.progress > 0);
    await client.workflow.getHandle(rendering).terminate();
    const afterRender = await waitForVideo(stack.api, rendering);
    expect(afterRender).toMatchObject({ status: 'failed', stage: 'render', error: { type: 'Terminated', stage: 'render' } });
    expect(afterRender.stages.tts.status).toBe('completed');
    expect(afterRender.stages.render.status).toBe('failed');
    // The render progress last shown while it ran is kept, not reset to 0.
    expect(afterRender.stages.render.progress).toBeGreaterThanOrEqual(live.stages.render.progress);
    expect(afterRender.stages.render.progress).toBeGreaterThan(0);
    expect(runningStages(afterRender)).toEqual([]);
    expect(existsSync(join(stack.config.dataDir, 'videos', `${rendering}.mp4`))).toBe(false);
    // The list says what the status says (visibility indexes the close a moment later).
    await waitUntil(async () => ((await stack.api.get('/api/videos?status=failed&limit=100')).body.items as Array<{ id: string }>).some((v) => v.id === rendering));

    // The render attempt learns of the termination from its next heartbeat and stops ffmpeg.
    await waitUntil(async () => ffmpegProcessesWriting(stack.config.dataDir).length === 0);

    // A run still going when the sweep runs keeps its folders.
    const open = await post(longSpeech());
    await waitForVideo(stack.api, open, (s) => s.stage === 'tts' && s.stages.tts.done >= 1);
    const result = await sweep();
    expect(result.sweptFolders).toBeGreaterThanOrEqual(1);
    expect(leftovers(speaking)).toEqual([]);
    expect(leftovers(rendering)).toEqual([]);
    expect(leftovers(open)).toContain(`work/${open}`);
    await stack.api.delete(`/api/videos/${open}`).expect(202);
    expect((await waitForVideo(stack.api, open)).status).toBe('cancelled');
  });

  it('reset of a completed video: GET follows the new run, not the one remembered', async () => {
    const id = await post({ script: 'Rivers carve valleys. Slowly, over a long time.' });
    const first = await waitForVideo(stack.api, id);
    expect(first.status).toBe('completed');
    const firstRun = (await client.workflow.getHandle(id).describe()).runId;
    // As `temporal workflow reset --type FirstWorkflowTask` does: the new run starts over after the first task.
    const history = await client.workflow.getHandle(id, firstRun).fetchHistory();
    const firstTask = history.events!.find((e) => e.workflowTaskCompletedEventAttributes)!;
    const reset = await client.workflowService.resetWorkflowExecution({
      namespace: stack.config.temporal.namespace,
      workflowExecution: { workflowId: id, runId: firstRun },
      reason: 'operator reset',
      workflowTaskFinishEventId: firstTask.eventId,
      requestId: randomUUID(),
    });
    expect(reset.runId).not.toBe(firstRun);
    // The remembered status of the first run would keep its updatedAt (that run's close time) forever.
    const again = await waitForVideo(stack.api, id, (s) => s.status === 'completed' && s.updatedAt > first.updatedAt);
    expect(again.result).toMatchObject({ file: `/api/videos/${id}/file` });
    expect((await client.workflow.getHandle(id).describe()).runId).toBe(reset.runId);
    await stack.api.get(`/api/videos/${id}/file`).expect(200);
  });

  it('terminating a batch: failed (the rule for videos), unfinished items cancelled, as their videos read', async () => {
    const created = await stack.api
      .post('/api/batches')
      .send({ items: [longSpeech(), longSpeech(), longSpeech()], maxConcurrent: 1 })
      .expect(202);
    const batchId = created.body.id as string;
    let batch: { status: string; items: Array<{ videoId: string; status: string }> } = { status: '', items: [] };
    await waitUntil(async () => {
      batch = (await stack.api.get(`/api/batches/${batchId}`)).body;
      return batch.items?.[0]?.status === 'running';
    });
    const first = batch.items[0]!.videoId;
    await waitForVideo(stack.api, first, (s) => s.stage === 'tts');
    await client.workflow.getHandle(batchId).terminate('batch terminated by the operator');
    const closed = (await stack.api.get(`/api/batches/${batchId}`).expect(200)).body;
    expect(closed).toMatchObject({ status: 'failed', running: 0, queued: 0, cancelled: 3 });
    expect(closed.items.map((i: { status: string }) => i.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    // The running item's video is cancelled by the batch's close (parent-close policy REQUEST_CANCEL).
    expect((await waitForVideo(stack.api, first)).status).toBe('cancelled');
    await stack.api.get(`/api/videos/${batch.items[1]!.videoId}`).expect(404);
  });

  it('lists videos newest first by start time, also when an older one closed later', async () => {
    const older = await post(longSpeech());
    await waitForVideo(stack.api, older, (s) => s.stage === 'tts');
    const newer = await post({ script: 'Snails sleep for days.' });
    expect((await waitForVideo(stack.api, newer)).status).toBe('completed');
    await stack.api.delete(`/api/videos/${older}`).expect(202);
    expect((await waitForVideo(stack.api, older)).status).toBe('cancelled');
    // Once visibility has indexed the cancel, the store's own order (by close time) puts the older video first.
    await waitUntil(async () => ((await stack.api.get('/api/videos?status=cancelled&limit=100')).body.items as Array<{ id: string }>).some((v) => v.id === older));
    const items = (await stack.api.get('/api/videos?limit=100').expect(200)).body.items as Array<{ id: string; createdAt: string }>;
    const ids = items.map((v) => v.id);
    expect(ids.indexOf(newer)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(newer)).toBeLessThan(ids.indexOf(older));
    const created = items.map((v) => v.createdAt);
    expect(created).toEqual([...created].sort().reverse());
  });
});

/** Polls `check` until it holds (visibility and cancellation arrive a moment later); fails after two minutes. */
async function waitUntil(check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`condition not met within ${timeoutMs / 1000}s`);
}
