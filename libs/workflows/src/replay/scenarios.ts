import { ApplicationFailure } from '@temporalio/common';
import { batchItemVideoId, type BatchWorkflowInput, type WriteScriptInput } from '@vidflow/contracts';
import { randomUUID } from 'node:crypto';
import { type AllActivities, cachedProgress, heartbeatUntilCancelled } from '../testing/fake-activities';
import type { FakeStack } from '../testing/fake-workers';

/** A run to keep: which workflow execution of the scenario becomes which fixture. */
export interface RecordedRun {
  name: string;
  workflowId: string;
  /** A particular run (the first of a chain that continued as new); the latest run when undefined. */
  runId?: string;
  workflowType: string;
  description: string;
}

/**
 * A situation whose history the replay tests keep: the fake activities it needs, and what it does on the test
 * server. Each scenario ends with its workflows closed; the recorder then fetches their histories.
 */
export interface Scenario {
  activities: Partial<AllActivities>;
  run(stack: FakeStack): Promise<RecordedRun[]>;
}

const SCRIPT = 'Owls hunt at night. They fly without a sound.';

/** Items whose topic says "fail" cannot be written (a non-retryable error, as a refused prompt would be). */
const failingScript = async (i: WriteScriptInput) => {
  if (i.topic?.includes('fail')) throw ApplicationFailure.nonRetryable(`cannot write about ${i.topic}`, 'BadInput');
  return { scenes: [{ text: `About ${i.topic}.` }, { text: 'The end.' }], provider: 'fake', cacheHit: false };
};

const settled = (p: Promise<unknown>) => p.then(() => undefined, () => undefined);

function batchInput(stack: FakeStack, topics: string[], extra: Partial<BatchWorkflowInput> = {}): BatchWorkflowInput {
  return {
    request: { items: topics.map((topic) => ({ topic })), defaults: {}, maxConcurrent: 2, stopOnError: false } as unknown as BatchWorkflowInput['request'],
    video: stack.batchVideo(),
    ...extra,
  };
}

export const SCENARIOS: Record<string, Scenario> = {
  'video-cache-miss': {
    activities: {},
    async run(stack) {
      const input = stack.videoInput({ script: SCRIPT, render: { height: 480 } });
      const handle = await stack.client.workflow.start('videoWorkflow', { workflowId: input.videoId, taskQueue: stack.taskQueues.io, args: [input] });
      await handle.result();
      return [
        {
          name: 'video-cache-miss',
          workflowId: handle.workflowId,
          workflowType: 'videoWorkflow',
          description: 'A two-scene script started without the API: pipeline lookup (local activity) misses, script, speech x2, render, store, cleanup.',
        },
      ];
    },
  },

  'video-visuals': {
    activities: {},
    async run(stack) {
      const scenes = [{ text: 'Whales sing.', keywords: ['whales'] }, { text: 'Own.', background: { color: '#112233' } }];
      const stock = stack.videoInput({ scenes, visuals: { provider: 'pexels' }, render: { height: 480 } });
      const generated = stack.videoInput({ scenes, visuals: { provider: 'openai-images', style: 'ink' }, render: { height: 480 } });
      const handles = await Promise.all(
        [stock, generated].map((input) => stack.client.workflow.start('videoWorkflow', { workflowId: input.videoId, taskQueue: stack.taskQueues.io, args: [input] })),
      );
      await Promise.all(handles.map((h) => h.result()));
      return [
        {
          name: 'video-visuals-stock',
          workflowId: handles[0]!.workflowId,
          workflowType: 'videoWorkflow',
          description: 'Two scenes with visuals pexels: patch scene-visuals, one findSceneVisual (the other scene has its own background) beside the speech, render.',
        },
        {
          name: 'video-visuals-generated',
          workflowId: handles[1]!.workflowId,
          workflowType: 'videoWorkflow',
          description: 'Two scenes with visuals openai-images: patch scene-visuals, one generateSceneImage beside the speech, render with the generated image.',
        },
      ];
    },
  },

  'video-cache-hit': {
    activities: { lookupPipeline: async (i) => cachedProgress(i.videoId) },
    async run(stack) {
      const looked = stack.videoInput({ script: SCRIPT });
      const api = stack.videoInput({ script: SCRIPT });
      const byLookup = await stack.client.workflow.start('videoWorkflow', { workflowId: looked.videoId, taskQueue: stack.taskQueues.io, args: [looked] });
      const byApi = await stack.client.workflow.start('videoWorkflow', {
        workflowId: api.videoId,
        taskQueue: stack.taskQueues.io,
        args: [{ ...api, pipelineCache: { hit: cachedProgress(api.videoId) } }],
      });
      await Promise.all([byLookup.result(), byApi.result()]);
      return [
        {
          name: 'video-cache-hit-lookup',
          workflowId: byLookup.workflowId,
          workflowType: 'videoWorkflow',
          description: 'A repeat started without the API (a batch item): its own pipeline lookup (local activity) hits; nothing else runs.',
        },
        {
          name: 'video-cache-hit-api',
          workflowId: byApi.workflowId,
          workflowType: 'videoWorkflow',
          description: 'A repeat the API looked up before starting the run (input.pipelineCache.hit): completes in its first workflow task.',
        },
      ];
    },
  },

  'video-cancelled': {
    activities: { renderVideo: () => heartbeatUntilCancelled(120_000).then(() => Promise.reject(new Error('not cancelled in time'))) },
    async run(stack) {
      const input = stack.videoInput({ script: SCRIPT });
      const handle = await stack.client.workflow.start('videoWorkflow', { workflowId: input.videoId, taskQueue: stack.taskQueues.io, args: [input] });
      for (let i = 0; i < 600 && !stack.log.includes('start renderVideo'); i++) await new Promise((r) => setTimeout(r, 100));
      await handle.cancel();
      await settled(handle.result());
      return [
        {
          name: 'video-cancelled',
          workflowId: handle.workflowId,
          workflowType: 'videoWorkflow',
          description: 'Cancelled while rendering: the render attempt is cancelled (and waited for), cleanup runs in a non-cancellable scope.',
        },
      ];
    },
  },

  'cache-maintenance': {
    activities: { maintainCache: async () => ({ removed: 3, bytesFreed: 4096 }) },
    async run(stack) {
      const workflowId = `vidflow-cache-maintenance-${randomUUID()}`;
      // Started as the vidflow-cache-maintenance schedule starts it: no arguments.
      const handle = await stack.client.workflow.start('cacheMaintenanceWorkflow', { workflowId, taskQueue: stack.taskQueues.io, args: [] });
      await handle.result();
      return [
        {
          name: 'cache-maintenance',
          workflowId,
          workflowType: 'cacheMaintenanceWorkflow',
          description: 'A maintenance run as the schedule started it before the folder sweeper: maintainCache only.',
        },
      ];
    },
  },

  'cache-maintenance-sweep': {
    activities: {
      maintainCache: async () => ({ removed: 0, bytesFreed: 0 }),
      sweepRunFolders: async () => ({ removed: ['tmp/vid-terminated', 'work/vid-terminated'], kept: 1 }),
    },
    async run(stack) {
      const workflowId = `vidflow-cache-maintenance-${randomUUID()}`;
      const handle = await stack.client.workflow.start('cacheMaintenanceWorkflow', { workflowId, taskQueue: stack.taskQueues.io, args: [] });
      await handle.result();
      return [
        {
          name: 'cache-maintenance-sweep',
          workflowId,
          workflowType: 'cacheMaintenanceWorkflow',
          description: "A maintenance run with the folder sweeper (patch 'sweep-run-folders'): maintainCache, then sweepRunFolders.",
        },
      ];
    },
  },

  'batch-failed-item': {
    activities: { writeScript: failingScript },
    async run(stack) {
      const id = `bat-${randomUUID()}`;
      const handle = await stack.client.workflow.start('batchWorkflow', { workflowId: id, taskQueue: stack.taskQueues.io, args: [batchInput(stack, ['owls', 'fail bats', 'moths'])] });
      await handle.result();
      return [
        {
          name: 'batch-failed-item',
          workflowId: id,
          workflowType: 'batchWorkflow',
          description: 'Three items, two at a time, stopOnError false; item 1 fails in its script stage, the others complete.',
        },
        {
          name: 'video-failed-script',
          workflowId: batchItemVideoId(id, 1),
          workflowType: 'videoWorkflow',
          description: "That batch's failed item: lookup misses, the script fails (non-retryable BadInput), cleanup runs, the run fails with its stage.",
        },
      ];
    },
  },

  'batch-continued-as-new': {
    activities: { writeScript: failingScript },
    async run(stack) {
      const id = `bat-${randomUUID()}`;
      const handle = await stack.client.workflow.start('batchWorkflow', {
        workflowId: id,
        taskQueue: stack.taskQueues.io,
        args: [batchInput(stack, ['a', 'b', 'c', 'd', 'e', 'f'], { historyLimit: 20 })],
      });
      await handle.result();
      // The run that the first one continued as: it started from the carried state.
      const firstHistory = await stack.client.workflow.getHandle(id, handle.firstExecutionRunId).fetchHistory();
      const last = firstHistory.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes;
      if (!last?.newExecutionRunId) throw new Error(`batch ${id}: the first run did not continue as new`);
      return [
        {
          name: 'batch-continued-as-new-1',
          workflowId: id,
          runId: handle.firstExecutionRunId,
          workflowType: 'batchWorkflow',
          description: 'Six items with historyLimit 20: the first run starts items until its history is full, waits for them, and continues as new.',
        },
        {
          name: 'batch-continued-as-new-2',
          workflowId: id,
          runId: last.newExecutionRunId,
          workflowType: 'batchWorkflow',
          description: 'The second run of that batch: it starts from the carried item states and goes on with the queued items.',
        },
      ];
    },
  },
};
