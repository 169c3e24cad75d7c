import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, RetryState, WorkflowNotFoundError } from '@temporalio/common';
import type { VidflowConfig } from '@vidflow/config';
import { TRANSCRIPTION_WORKFLOW, type TranscriptionProgress, type TranscriptionWorkflowInput } from '@vidflow/contracts';
import { AppModule } from '../../apps/api/src/app.module';
import { apiKeyMiddleware } from '../../apps/api/src/common/api-key.middleware';
import { jsonBodyParser } from '../../apps/api/src/common/body-parser';
import { requestIdMiddleware } from '../../apps/api/src/common/request-id.middleware';
import { CachePolicyInterceptor, cacheDefaultMiddleware } from '../../apps/api/src/http/cache-policy.interceptor';
import { TEMPORAL_CLIENT } from '../../apps/api/src/tokens';

// A Temporal client for API tests that need no Temporal server: transcription runs in a map, driven by the test.

/** A run as the fake Temporal server holds it. */
export interface FakeRun {
  input: TranscriptionWorkflowInput;
  taskQueue: string;
  status: 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED';
  memo?: Record<string, unknown>;
  progress?: TranscriptionProgress;
  failure?: ApplicationFailure;
  startedActivity: boolean;
  cancelled: boolean;
  /** The current run's id ('run-1' unless a test resets the run). */
  runId?: string;
}

/** The Temporal client's surface the gateway uses, over an in-memory map of runs. */
export function fakeTemporal(options: { onStart?: (id: string, run: FakeRun) => void } = {}) {
  const runs = new Map<string, FakeRun>();
  const listed: Array<{ query: string; pageSize: number }> = [];
  const handle = (id: string) => {
    const run = () => {
      const r = runs.get(id);
      if (!r) throw new WorkflowNotFoundError(`workflow ${id} not found`, id, undefined);
      return r;
    };
    return {
      describe: async () => {
        const r = run();
        return {
          status: { name: r.status },
          runId: r.runId ?? 'run-1',
          startTime: new Date('2026-12-02T01:00:00Z'),
          closeTime: r.status === 'RUNNING' ? undefined : new Date('2026-12-02T01:05:00Z'),
          raw: { pendingActivities: r.startedActivity ? [{ lastStartedTime: { seconds: 1764637300 } }] : [] },
          memo: Promise.resolve(r.memo),
          typedSearchAttributes: { get: () => undefined },
        };
      },
      query: async () => run().progress,
      result: async () => {
        const r = run();
        if (r.status === 'COMPLETED') return r.progress;
        throw new WorkflowFailedError('Workflow execution failed', r.failure, RetryState.NON_RETRYABLE_FAILURE);
      },
      cancel: async () => {
        run().cancelled = true;
      },
    };
  };
  const client = {
    workflow: {
      start: async (type: string, o: { workflowId: string; taskQueue: string; args: [TranscriptionWorkflowInput]; memo?: Record<string, unknown> }) => {
        if (type !== TRANSCRIPTION_WORKFLOW) throw new Error(`the fake runs transcriptions only, not ${type}`);
        // USE_EXISTING: a running run under the id is joined, not started again.
        if (!runs.has(o.workflowId)) {
          const run: FakeRun = { input: o.args[0], taskQueue: o.taskQueue, status: 'RUNNING', memo: o.memo, startedActivity: false, cancelled: false };
          runs.set(o.workflowId, run);
          options.onStart?.(o.workflowId, run);
        }
      },
      getHandle: handle,
    },
    workflowService: {
      listWorkflowExecutions: async (req: { query: string; pageSize: number }) => {
        listed.push(req);
        return {
        executions: [...runs.entries()].map(([id, r]) => ({
          execution: { workflowId: id },
          status: r.status === 'COMPLETED' ? 2 : 1,
          startTime: { seconds: 1764637200 },
        })),
        };
      },
    },
    withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn(),
    withAbortSignal: (_signal: AbortSignal, fn: () => Promise<unknown>) => fn(),
    connection: { close: async () => undefined },
  };
  return { client: client as unknown as Client, runs, listed };
}

/** The API app (auth, request ids, JSON bodies, cache policy) with `client` in place of the Temporal client. */
export async function createAppWithTemporal(config: VidflowConfig, client: Client): Promise<NestExpressApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config, { silent: true })] })
    .overrideProvider(TEMPORAL_CLIENT)
    .useValue(client)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
  app.use(requestIdMiddleware);
  app.use(cacheDefaultMiddleware);
  app.use(apiKeyMiddleware(config.auth.apiKeys));
  app.use(...jsonBodyParser());
  app.useGlobalInterceptors(new CachePolicyInterceptor());
  await app.init();
  return app;
}
