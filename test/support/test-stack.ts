import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig, type VidflowConfig } from '@vidflow/config';
import type { VideoStatusView } from '@vidflow/contracts';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createApp } from '../../apps/api/src/create-app';
import { TemporalWorkerService } from '../../apps/worker/src/temporal-worker.service';
import { WorkerModule } from '../../apps/worker/src/worker.module';

export interface TestStack {
  config: VidflowConfig;
  api: TestAgent;
  /** The HTTP app (not listening: `api` calls it in-process; a test that needs a real socket calls listen). */
  app: NestExpressApplication;
  stop(): Promise<void>;
}

let counter = 0;

/** Env for a stack of its own: a fresh DATA_DIR and task queues no other test file polls. */
export function testEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address) throw new Error('TEMPORAL_TEST_ADDRESS is unset: e2e tests run under jest --selectProjects e2e');
  const dataDir = mkdtempSync(join(process.env.VIDFLOW_TEST_ROOT!, 'data-'));
  const suffix = `${process.pid}-${++counter}-${Date.now().toString(36)}`;
  return {
    TEMPORAL_ADDRESS: address,
    DATA_DIR: dataDir,
    TASK_QUEUE_IO: `test-io-${suffix}`,
    TASK_QUEUE_RENDER: `test-render-${suffix}`,
    TASK_QUEUE_LLM: `test-llm-${suffix}`,
    // Every queue the worker polls is the suite's own: jest runs suites in parallel, and a task taken by another
    // suite's worker would run against that suite's DATA_DIR.
    TASK_QUEUE_STT: `test-stt-${suffix}`,
    RENDER_PRESET: 'ultrafast',
    ...overrides,
  };
}

/** A real worker (both task queues) and the real HTTP app in this process, against the test Temporal. */
export async function startTestStack(overrides: NodeJS.ProcessEnv = {}): Promise<TestStack> {
  quietTemporalLogs();
  // The worker's health/metrics server stays off unless a test asks for it with WORKER_HTTP_PORT.
  const config = loadConfig(testEnv({ WORKER_HTTP_PORT: '0', ...overrides }));
  const workerCtx = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
  const worker = workerCtx.get(TemporalWorkerService);
  const running = worker.run();
  const app = await createApp(config, { logger: false });
  await app.init();
  return {
    config,
    api: request(app.getHttpServer()),
    app,
    async stop() {
      await app.close();
      worker.shutdownWorkers();
      await running;
      await workerCtx.close();
    },
  };
}

/** Polls GET /api/videos/:id until `done(status)` holds. */
export async function waitForVideo(
  api: TestAgent,
  id: string,
  done: (s: VideoStatusView) => boolean = (s) => ['completed', 'failed', 'cancelled'].includes(s.status),
  timeoutMs = 180_000,
): Promise<VideoStatusView> {
  const deadline = Date.now() + timeoutMs;
  let last: VideoStatusView | undefined;
  while (Date.now() < deadline) {
    const res = await api.get(`/api/videos/${id}`);
    if (res.status === 200) {
      last = res.body as VideoStatusView;
      if (done(last)) return last;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`video ${id} did not reach the expected state in ${timeoutMs / 1000}s; last: ${JSON.stringify(last)}`);
}

let runtimeInstalled = false;
/** The SDK logs every worker state change at INFO; tests only want warnings. Once per process. */
export function quietTemporalLogs(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed by an earlier stack in this process
  }
}

/**
 * A short moving clip under `mediaDir`: a video background makes ffmpeg draw every frame, so a render
 * takes long enough to be cancelled or killed half way (still backgrounds render in a second or two).
 */
export function writeSlowBackground(mediaDir: string, name = 'moving.mp4'): string {
  mkdirSync(mediaDir, { recursive: true });
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=red:s=320x240:r=25:d=1.5,hue=h=t*200',
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', join(mediaDir, name)]);
  return name;
}
