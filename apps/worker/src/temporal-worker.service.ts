import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createIoActivities, createRenderActivities, type ActivityDeps } from '@vidflow/activities';
import type { VidflowConfig } from '@vidflow/config';
import { NativeConnection, Worker } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { ensureSearchAttributes } from './ensure-search-attributes';
import { ACTIVITY_DEPS, CONFIG } from './tokens';

/**
 * Runs one Temporal Worker per task queue: the I/O queue (workflows, script, speech) and the render
 * queue (ffmpeg), each with its own concurrency limit. `run()` resolves when both have shut down,
 * which the SDK does on SIGINT/SIGTERM after letting running activities finish (shutdownGraceTime).
 */
@Injectable()
export class TemporalWorkerService implements OnApplicationShutdown {
  private readonly logger = new Logger('TemporalWorker');
  private connection?: NativeConnection;
  private workers: Worker[] = [];

  constructor(
    @Inject(CONFIG) private readonly config: VidflowConfig,
    @Inject(ACTIVITY_DEPS) private readonly deps: ActivityDeps,
  ) {}

  async run(): Promise<void> {
    const { temporal, taskQueues, worker } = this.config;
    this.connection = await NativeConnection.connect({ address: temporal.address });
    const added = await ensureSearchAttributes(this.connection, temporal.namespace);
    if (added.length) this.logger.log(`registered search attributes: ${added.join(', ')}`);

    const common = { connection: this.connection, namespace: temporal.namespace, shutdownGraceTime: '10s' } as const;
    const io = await Worker.create({
      ...common,
      taskQueue: taskQueues.io,
      ...workflowSource(),
      activities: createIoActivities(this.deps),
      maxConcurrentActivityTaskExecutions: worker.ioConcurrency,
      maxConcurrentWorkflowTaskExecutions: Math.min(worker.workflowConcurrency, 100),
    });
    const render = await Worker.create({
      ...common,
      taskQueue: taskQueues.render,
      activities: createRenderActivities(this.deps),
      maxConcurrentActivityTaskExecutions: worker.renderConcurrency,
      // Heartbeats carry render progress to the status endpoint; the SDK's default throttle
      // (80% of the heartbeat timeout) would leave the progress bar still for ~24 s at a time.
      maxHeartbeatThrottleInterval: '2s',
      defaultHeartbeatThrottleInterval: '2s',
    });
    this.workers = [io, render];
    this.logger.log(
      `polling ${taskQueues.io} (io x${worker.ioConcurrency}) and ${taskQueues.render} (render x${worker.renderConcurrency}) on ${temporal.address}`,
    );
    // If either worker fails, stop the other too, so the process exits and its supervisor restarts it.
    await Promise.all(
      this.workers.map((w) =>
        w.run().catch((err: unknown) => {
          this.shutdownWorkers();
          throw err;
        }),
      ),
    );
  }

  shutdownWorkers(): void {
    for (const w of this.workers) {
      if (w.getState() === 'RUNNING') w.shutdown();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection?.close();
  }
}

/** The prebuilt bundle (made by `npm run build`) when present: no webpack run at every worker start. */
function workflowSource(): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  const bundle = require.resolve('@vidflow/workflows/dist/workflow-bundle.js', { paths: [__dirname] });
  if (existsSync(bundle)) return { workflowBundle: { codePath: bundle } };
  return { workflowsPath: require.resolve('@vidflow/workflows') };
}
