import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  createIoActivities,
  createLlmActivities,
  createRenderActivities,
  createSttActivities,
  createTranscriptionRenderActivities,
  openObjectStore,
  type ActivityDeps,
} from '@vidflow/activities';
import type { VidflowConfig } from '@vidflow/config';
import { type Tracing, workerTracing } from '@vidflow/tracing';
import { NativeConnection, ResourceBasedController, Worker } from '@temporalio/worker';
import { cpuBoundSlots } from './cpu-bound-slots';
import { existsSync } from 'node:fs';
import { ensureMaintenanceSchedule } from './ensure-maintenance-schedule';
import { activityMetricsInterceptors } from './activity-metrics.interceptor';
import { ensureSearchAttributes } from './ensure-search-attributes';
import { HostSweeper } from './host-sweeper';
import { keepAliveHeartbeatInterceptors } from './keep-alive-heartbeat.interceptor';
import { publishVoices } from './publish-voices';
import { ACTIVITY_DEPS, CONFIG, TRACING } from './tokens';
import type { ReadinessReport } from './worker-http-server';
import { WorkerMetrics } from './worker-metrics';

/**
 * Runs one Temporal Worker per task queue: the I/O queue (workflows, speech), the render queue
 * (ffmpeg), the LLM queue (script writing, rate-limited) and the speech-to-text queue (transcriptions), each with its
 * own limits (the render and speech-to-text queues sized by a resource-based tuner or fixed counts). `run()` resolves when all have shut down,
 * which the SDK does on SIGINT/SIGTERM after letting running activities finish (shutdownGraceTime).
 */
@Injectable()
export class TemporalWorkerService implements OnApplicationShutdown {
  private readonly logger = new Logger('TemporalWorker');
  private connection?: NativeConnection;
  private workers: Worker[] = [];
  private sweeper?: HostSweeper;

  constructor(
    @Inject(CONFIG) private readonly config: VidflowConfig,
    @Inject(ACTIVITY_DEPS) private readonly deps: ActivityDeps,
    @Inject(WorkerMetrics) private readonly metrics: WorkerMetrics,
    @Inject(TRACING) private readonly tracing: Tracing | undefined,
  ) {}

  async run(): Promise<void> {
    const { temporal, taskQueues, worker } = this.config;
    // Before connecting: the API can list and check voices while this worker still waits for Temporal.
    await publishVoices(this.config, openObjectStore(this.config)).then(
      (catalog) => this.logger.log(`published voices: ${catalog.providers.map((p) => `${p.name} (${p.voices.length})`).join(', ')}`),
      (err: Error) => this.logger.warn(`could not publish voices to the artifact store: ${err.message}`),
    );
    this.connection = await NativeConnection.connect({ address: temporal.address });
    const added = await ensureSearchAttributes(this.connection, temporal.namespace);
    if (added.length) this.logger.log(`registered search attributes: ${added.join(', ')}`);
    const created = await ensureMaintenanceSchedule({
      address: temporal.address,
      namespace: temporal.namespace,
      taskQueue: taskQueues.io,
      intervalSeconds: this.config.cache.maintenanceIntervalSeconds,
    });
    if (created) this.logger.log(`created the cache maintenance schedule (every ${this.config.cache.maintenanceIntervalSeconds}s)`);

    // Activity durations, failures and cache hits are recorded around the activities, not inside them; with tracing
    // on, each attempt's span is around all of it (nothing is added while tracing is off).
    const tracing = workerTracing(this.tracing);
    const interceptors = { activity: [...tracing.activityInterceptors, activityMetricsInterceptors(this.metrics)], workflowModules: tracing.workflowInterceptorModules };
    const common = { connection: this.connection, namespace: temporal.namespace, shutdownGraceTime: '10s', interceptors, sinks: tracing.sinks } as const;
    // Speech and script activities do not heartbeat themselves; these heartbeats let Temporal retry an
    // attempt lost with its worker after the workflow's 30 s heartbeat timeout (the render heartbeats its progress).
    const keptAlive = { activity: [...interceptors.activity, keepAliveHeartbeatInterceptors()] };
    const io = await Worker.create({
      ...common,
      interceptors: keptAlive,
      taskQueue: taskQueues.io,
      ...workflowSource(tracing.traced),
      activities: createIoActivities(this.deps),
      maxConcurrentActivityTaskExecutions: worker.ioConcurrency,
      maxConcurrentWorkflowTaskExecutions: Math.min(worker.workflowConcurrency, 100),
    });
    // The CPU-bound queues share one resource controller: together they keep the machine under the targets.
    let controller: ResourceBasedController | undefined;
    const sharedController = () => (controller ??= ResourceBasedController.create(worker.tuner));
    const render = await Worker.create({
      ...common,
      taskQueue: taskQueues.render,
      activities: { ...createRenderActivities(this.deps), ...createTranscriptionRenderActivities(this.deps) },
      // x264 spreads over threads and a render holds frames in memory: twice the fixed count at most.
      ...cpuBoundSlots({
        tuner: worker.tuner,
        fixedSlots: worker.renderConcurrency,
        maximumSlots: worker.renderConcurrency * 2,
        rampThrottle: '2s',
        controller: sharedController,
      }),
      // Heartbeats carry render progress to the status endpoint; the SDK's default throttle
      // (80% of the heartbeat timeout) would leave the progress bar still for ~24 s at a time.
      maxHeartbeatThrottleInterval: '2s',
      defaultHeartbeatThrottleInterval: '2s',
    });
    const llm = await Worker.create({
      ...common,
      interceptors: keptAlive,
      taskQueue: taskQueues.llm,
      activities: createLlmActivities(this.deps),
      maxConcurrentActivityTaskExecutions: worker.ioConcurrency,
      // Enforced by the Temporal server for the whole task queue: every worker together starts at
      // most this many script-writing activities per second, however many workers there are.
      maxTaskQueueActivitiesPerSecond: this.config.llmRequestsPerSecond,
    });
    // Transcriptions' steps: PocketSphinx takes one core per chunk; the OpenAI provider mostly waits on its server,
    // which the resource-based tuner sees as headroom (up to 8 chunks per configured slot).
    const sttSlots = cpuBoundSlots({
      tuner: worker.tuner,
      fixedSlots: worker.sttConcurrency,
      maximumSlots: worker.sttConcurrency * 8,
      rampThrottle: '1s',
      controller: sharedController,
    });
    const stt = await Worker.create({
      ...common,
      interceptors: keptAlive,
      taskQueue: taskQueues.stt,
      activities: createSttActivities(this.deps),
      ...sttSlots,
    });
    this.workers = [io, render, llm, stt];
    const slots = (fixed: number) =>
      worker.tuner.kind === 'fixed' ? `x${fixed}` : `resource-based, cpu ${worker.tuner.targetCpuUsage}, memory ${worker.tuner.targetMemoryUsage}`;
    this.logger.log(
      `polling ${taskQueues.io} (io x${worker.ioConcurrency}), ${taskQueues.render} (render ${slots(worker.renderConcurrency)}), ` +
        `${taskQueues.llm} (${this.config.llmRequestsPerSecond}/s) and ${taskQueues.stt} (speech-to-text ${slots(worker.sttConcurrency)}) on ${temporal.address}`,
    );
    if (this.config.artifacts.kind === 's3') {
      this.sweeper = new HostSweeper({
        address: temporal.address,
        namespace: temporal.namespace,
        intervalSeconds: this.config.cache.maintenanceIntervalSeconds,
        graceSeconds: worker.sweepGraceSeconds,
        store: this.deps.store,
      });
      this.sweeper.start();
    }
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

  /**
   * Ready while every Temporal Worker is RUNNING (not starting, draining or stopped) and the Temporal
   * frontend answers on the worker's connection; the details say which part is not.
   */
  async readiness(): Promise<ReadinessReport> {
    const workers = this.workers.map((w) => ({ taskQueue: w.options.taskQueue, state: w.getState() }));
    const connection = await this.connectionStatus();
    const ready = connection.up && workers.length > 0 && workers.every((w) => w.state === 'RUNNING');
    return { ready, connection, workers };
  }

  private async connectionStatus(): Promise<{ up: boolean; address: string; message?: string }> {
    const address = this.config.temporal.address;
    const connection = this.connection;
    if (!connection) return { up: false, address, message: 'not connected yet' };
    try {
      await connection.withDeadline(Date.now() + 2000, () => connection.workflowService.getSystemInfo({}));
      return { up: true, address };
    } catch (err) {
      return { up: false, address, message: (err as Error).message };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweeper?.stop();
    await this.connection?.close();
  }
}

/**
 * The prebuilt bundle (made by `npm run build`) when present: no webpack run at every worker start. With tracing on,
 * the one with the tracing workflow interceptors built in (a bundle's interceptors are fixed when it is built).
 */
function workflowSource(traced: boolean): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  const bundle = require.resolve(`@vidflow/workflows/dist/workflow-bundle${traced ? '-traced' : ''}.js`, { paths: [__dirname] });
  if (existsSync(bundle)) return { workflowBundle: { codePath: bundle } };
  return { workflowsPath: require.resolve('@vidflow/workflows') };
}
