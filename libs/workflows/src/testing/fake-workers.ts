import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { BatchWorkflowInput, TranscriptionInputMedia, TranscriptionWorkflowInput, VideoRequest, VideoWorkflowInput } from '@vidflow/contracts';
import { TranscriptionRequestSchema, VideoRequestSchema } from '@vidflow/contracts';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { type AllActivities, fakeActivities, loggedActivities } from './fake-activities';

/** The bundle `npm run build` writes: what the real worker loads (tests run against built workflow code). */
export const WORKFLOW_BUNDLE = resolve(__dirname, '..', '..', 'dist', 'workflow-bundle.js');

export interface FakeStack {
  client: Client;
  taskQueues: { io: string; render: string; llm: string; stt: string };
  /** `start <activity>` / `end <activity>` in the order the workers ran them. */
  log: string[];
  /** A video workflow's input on these task queues, the request completed by the schema as the API does. */
  videoInput(request: unknown, extra?: Partial<VideoWorkflowInput>): VideoWorkflowInput;
  /** The part of a batch workflow's input that names these task queues. */
  batchVideo(ttsParallelism?: number): BatchWorkflowInput['video'];
  /** A transcription workflow's input on these task queues (media: a file under DATA_DIR unless given). */
  transcriptionInput(request: unknown, extra?: Partial<TranscriptionWorkflowInput> & { media?: TranscriptionInputMedia }): TranscriptionWorkflowInput;
}

/**
 * Runs `fn` with real workers for the three task queues on the test Temporal server (fresh queues, so no other
 * test's workers take the tasks), the real workflow bundle, and fake activities. Workers stop when `fn` ends.
 */
export async function withFakeWorkers<T>(activities: Partial<AllActivities>, fn: (stack: FakeStack) => Promise<T>): Promise<T> {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address) throw new Error('TEMPORAL_TEST_ADDRESS is unset: workflow tests run under jest --selectProjects e2e');
  quietSdkLogs();
  const suffix = randomUUID();
  const taskQueues = { io: `wf-io-${suffix}`, render: `wf-render-${suffix}`, llm: `wf-llm-${suffix}`, stt: `wf-stt-${suffix}` };
  const log: string[] = [];
  const all = loggedActivities(fakeActivities(activities), log);
  const connection = await Connection.connect({ address });
  const native = await NativeConnection.connect({ address });
  try {
    // Heartbeats reach the server at once, not throttled to 80% of the heartbeat timeout: a cancellation, which
    // an activity learns from a heartbeat's answer, arrives in a fraction of a second instead of 24 s.
    const common = { connection: native, activities: all, maxHeartbeatThrottleInterval: '100ms' } as const;
    const workers = await Promise.all([
      Worker.create({ ...common, taskQueue: taskQueues.io, workflowBundle: { codePath: WORKFLOW_BUNDLE } }),
      Worker.create({ ...common, taskQueue: taskQueues.render }),
      Worker.create({ ...common, taskQueue: taskQueues.llm }),
      Worker.create({ ...common, taskQueue: taskQueues.stt }),
    ]);
    const running = Promise.all(workers.map((w) => w.run()));
    try {
      return await fn({
        client: new Client({ connection }),
        taskQueues,
        log,
        videoInput: (request, extra = {}) => ({
          videoId: `vid-${randomUUID()}`,
          ttsParallelism: 2,
          renderTaskQueue: taskQueues.render,
          llmTaskQueue: taskQueues.llm,
          ...extra,
          request: VideoRequestSchema.parse(request) as VideoRequest,
        }),
        batchVideo: (ttsParallelism = 2) => ({ ttsParallelism, renderTaskQueue: taskQueues.render, llmTaskQueue: taskQueues.llm, ioTaskQueue: taskQueues.io }),
        transcriptionInput: (request, extra = {}) => ({
          transcriptionId: `trn-${randomUUID()}`,
          media: { path: 'uploads/talk.mp4' },
          sttTaskQueue: taskQueues.stt,
          renderTaskQueue: taskQueues.render,
          chunkParallelism: 2,
          ...extra,
          request: TranscriptionRequestSchema.parse(request),
        }),
      });
    } finally {
      for (const w of workers) w.shutdown();
      await running;
    }
  } finally {
    await native.close();
    await connection.close();
  }
}

let runtimeInstalled = false;
/**
 * The SDK logs every worker start and stop at INFO, and the failures these tests cause on purpose at WARN
 * (with stacks); tests read outcomes from the workflows' results instead. Errors still show. Once per process.
 */
function quietSdkLogs(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // another helper in this process installed one first
  }
}
