import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { IoActivities, LlmActivities, RenderActivities } from '@vidflow/activities';
import {
  VideoRequestSchema,
  videoStatusQuery,
  type RenderVideoInput,
  type SynthesizeSceneInput,
  type VideoProgress,
  type VideoWorkflowInput,
} from '@vidflow/contracts';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';

const BUNDLE = resolve(__dirname, '..', 'libs', 'workflows', 'dist', 'workflow-bundle.js');

/**
 * The video workflow against the real Temporal server with fake activities: order of stages,
 * the per-video speech parallelism bound, retries, failure reporting and cleanup.
 */
describe('videoWorkflow (fake activities)', () => {
  let connection: Connection;
  let nativeConnection: NativeConnection;
  let client: Client;

  beforeAll(async () => {
    connection = await Connection.connect({ address: process.env.TEMPORAL_TEST_ADDRESS });
    nativeConnection = await NativeConnection.connect({ address: process.env.TEMPORAL_TEST_ADDRESS });
    client = new Client({ connection });
  });
  afterAll(async () => {
    await connection?.close();
    await nativeConnection?.close();
  });

  type Fakes = Partial<LlmActivities & IoActivities & RenderActivities>;

  /** Runs one workflow with the given fakes on fresh task queues; returns its outcome and the call log. */
  async function run(fakes: Fakes, input: Omit<Partial<VideoWorkflowInput>, 'request'> & { request: unknown }, during?: (id: string) => Promise<void>) {
    const suffix = randomUUID();
    const io = `wf-io-${suffix}`;
    const render = `wf-render-${suffix}`;
    const llm = `wf-llm-${suffix}`;
    const log: string[] = [];
    const base: LlmActivities & IoActivities & RenderActivities = {
      writeScript: async () => ({ scenes: [1, 2, 3, 4, 5].map((n) => ({ text: `Scene ${n}.` })), provider: 'fake', cacheHit: false }),
      synthesizeScene: async (i: SynthesizeSceneInput) => ({ index: i.index, audioPath: `a${i.index}.wav`, durationSeconds: 2, cacheHit: false }),
      renderVideo: async (i: RenderVideoInput) => ({
        path: `videos/${i.videoId}.mp4`,
        durationSeconds: 10,
        width: i.render.width,
        height: i.render.height,
        bytes: 1234,
        cacheHit: false,
        attempt: Context.current().info.attempt,
      }),
      cleanupVideo: async () => undefined,
      lookupPipeline: async () => undefined,
      placePipelineHit: async () => undefined,
      storePipeline: async () => undefined,
      maintainCache: async () => ({ removed: 0, bytesFreed: 0 }),
    };
    const activities = Object.fromEntries(
      Object.entries({ ...base, ...fakes }).map(([name, fn]) => [
        name,
        async (...args: unknown[]) => {
          log.push(`start ${name}${name === 'synthesizeScene' ? ` ${(args[0] as SynthesizeSceneInput).index}` : ''}`);
          try {
            return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
          } finally {
            log.push(`end ${name}`);
          }
        },
      ]),
    );
    const workers = await Promise.all([
      Worker.create({ connection: nativeConnection, taskQueue: io, workflowBundle: { codePath: BUNDLE }, activities }),
      Worker.create({ connection: nativeConnection, taskQueue: render, activities }),
      Worker.create({ connection: nativeConnection, taskQueue: llm, activities }),
    ]);
    const id = `vid-${randomUUID()}`;
    const workflowInput: VideoWorkflowInput = {
      videoId: id,
      ttsParallelism: 2,
      renderTaskQueue: render,
      llmTaskQueue: llm,
      ...input,
      request: VideoRequestSchema.parse(input.request),
    };
    const outcome = await Promise.all(workers.map((w) => w.runUntil(async () => {
      if (w !== workers[0]) return waitUntilDone(id);
      const handle = await client.workflow.start('videoWorkflow', { workflowId: id, taskQueue: io, args: [workflowInput] });
      if (during) await during(id);
      return handle.result().then(
        (value) => ({ ok: true as const, value: value as VideoProgress }),
        (error: unknown) => ({ ok: false as const, error }),
      );
    })));
    return { outcome: outcome[0] as { ok: true; value: VideoProgress } | { ok: false; error: unknown }, log, id };
  }

  async function waitUntilDone(id: string): Promise<void> {
    for (;;) {
      try {
        const d = await client.workflow.getHandle(id).describe();
        if (d.status.name !== 'RUNNING') return;
      } catch {
        // not started yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('runs script, then speech with at most ttsParallelism scenes at once, then render, then cleanup', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const { outcome, log } = await run(
      {
        synthesizeScene: async (i) => {
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          await new Promise((r) => setTimeout(r, 150));
          inFlight--;
          return { index: i.index, audioPath: `a${i.index}.wav`, durationSeconds: 2, cacheHit: i.index === 1 };
        },
      },
      { request: { topic: 'owls' } },
    );
    expect(outcome.ok).toBe(true);
    expect(maxInFlight).toBe(2);
    const starts = log.filter((l) => l.startsWith('start'));
    expect(starts[1]).toBe('start writeScript');
    expect(starts.slice(2, 7).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `start synthesizeScene ${i}`).sort());
    expect(starts.slice(0, 1)).toEqual(['start lookupPipeline']);
    expect(starts.slice(7)).toEqual(['start renderVideo', 'start storePipeline', 'start cleanupVideo']);
    const value = (outcome as { value: VideoProgress }).value;
    expect(value).toMatchObject({ stage: 'done', progress: 1, result: { path: expect.stringMatching(/^videos\//), bytes: 1234 } });
    expect(value.stages.tts).toMatchObject({ status: 'completed', done: 5, total: 5, cacheHits: 1, audioSeconds: 10 });
  });

  describe('the pipeline cache', () => {
    const hit = (videoId: string): VideoProgress => ({
      stage: 'done',
      progress: 1,
      cacheHit: true,
      stages: {
        script: { status: 'completed', cacheHit: true, provider: 'offline', seconds: 0 },
        tts: { status: 'completed', done: 2, total: 2, cacheHits: 2, seconds: 0, audioSeconds: 4 },
        render: { status: 'completed', progress: 1, cacheHit: true, attempt: 1, seconds: 0 },
      },
      sceneCount: 2,
      result: { path: `videos/${videoId}.mp4`, durationSeconds: 4, width: 1080, height: 1920, bytes: 99 },
    });

    it('records a hit the API found as the result, running no activity at all', async () => {
      const videoId = `vid-${randomUUID()}`;
      const { outcome, log } = await run({}, { request: { script: 'Cached.' }, pipelineCache: { hit: hit(videoId) } });
      expect(log).toEqual([]);
      expect(outcome).toEqual({ ok: true, value: hit(videoId) });
    });

    it('does not look the request up again when the API already missed', async () => {
      const { outcome, log } = await run({ lookupPipeline: async () => hit('never') }, { request: { script: 'Not cached.' }, pipelineCache: {} });
      expect(outcome.ok).toBe(true);
      expect(log).not.toContain('start lookupPipeline');
      expect(log).toContain('start renderVideo');
      expect((outcome as { value: VideoProgress }).value.cacheHit).toBe(false);
    });

    it('looks the request up itself when started without the API (batch items), and stops at a hit', async () => {
      const { outcome, log } = await run({ lookupPipeline: async (i) => hit(i.videoId) }, { request: { script: 'From a batch.' } });
      expect(log).toEqual(['start lookupPipeline', 'end lookupPipeline']);
      expect((outcome as { value: VideoProgress }).value).toMatchObject({ cacheHit: true, stage: 'done', progress: 1 });
    });

    it('a hit is not looked up in modes other than use', async () => {
      const { log } = await run({ lookupPipeline: async () => hit('never') }, { request: { script: 'Refreshed.', cache: { mode: 'refresh' } } });
      expect(log).not.toContain('start lookupPipeline');
      expect(log).toContain('start storePipeline');
    });
  });

  it('retries a render that failed with a retryable error and reports the attempt that succeeded', async () => {
    let calls = 0;
    const { outcome } = await run(
      {
        renderVideo: async (i) => {
          if (++calls === 1) throw ApplicationFailure.retryable('ffmpeg crashed', 'RenderFailed');
          return { path: `videos/${i.videoId}.mp4`, durationSeconds: 10, width: 1080, height: 1920, bytes: 1, cacheHit: false, attempt: Context.current().info.attempt };
        },
      },
      { request: { script: 'One. Two.' } },
    );
    expect(outcome.ok).toBe(true);
    expect((outcome as { value: VideoProgress }).value.stages.render.attempt).toBe(2);
  });

  it('fails with the root cause and its stage after a non-retryable speech error, and still cleans up', async () => {
    const { outcome, log } = await run(
      {
        synthesizeScene: async (i) => {
          if (i.index === 3) throw ApplicationFailure.nonRetryable('espeak-ng has no voice "xx"', 'BadInput');
          return { index: i.index, audioPath: 'a.wav', durationSeconds: 1, cacheHit: false };
        },
      },
      { request: { topic: 'owls' } },
    );
    expect(outcome.ok).toBe(false);
    const err = (outcome as { error: unknown }).error as WorkflowFailedError;
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = err.cause as ApplicationFailure;
    expect(cause.type).toBe('BadInput');
    expect(cause.message).toBe('espeak-ng has no voice "xx"');
    // The progress travels with the failure, so the API reads a failed video's status without a query.
    expect(cause.details).toEqual([
      {
        stage: 'tts',
        progress: expect.objectContaining({ stage: 'tts', stages: expect.objectContaining({ tts: expect.objectContaining({ status: 'failed' }) }) }),
      },
    ]);
    expect(log).not.toContain('start renderVideo');
    expect(log.filter((l) => l === 'start cleanupVideo')).toHaveLength(1);
  });

  it('answers the status query while rendering', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let seen: VideoProgress | undefined;
    const { outcome } = await run(
      {
        renderVideo: async (i) => {
          await gate;
          return { path: `videos/${i.videoId}.mp4`, durationSeconds: 1, width: 1080, height: 1920, bytes: 1, cacheHit: false, attempt: 1 };
        },
      },
      { request: { topic: 'owls' } },
      async (id) => {
        for (let i = 0; i < 100 && seen?.stage !== 'render'; i++) {
          seen = await client.workflow.getHandle(id).query(videoStatusQuery);
          await new Promise((r) => setTimeout(r, 100));
        }
        release();
      },
    );
    expect(outcome.ok).toBe(true);
    expect(seen).toMatchObject({ stage: 'render', stages: { script: { status: 'completed' }, tts: { status: 'completed', done: 5 }, render: { status: 'running' } } });
    expect(seen!.progress).toBeCloseTo(0.3, 5);
  });
});
