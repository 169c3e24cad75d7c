import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { VidflowConfig } from '@vidflow/config';
import type { Server } from 'node:http';
import { TemporalWorkerService } from './temporal-worker.service';
import { CONFIG } from './tokens';
import { startWorkerHttpServer, stopWorkerHttpServer } from './worker-http-server';
import { WorkerMetrics } from './worker-metrics';

/**
 * Serves the worker's health and metrics on WORKER_HTTP_HOST:WORKER_HTTP_PORT for as long as the
 * application context lives: up before the Temporal Workers start (live, not yet ready), closed when
 * the context closes after they have stopped.
 */
@Injectable()
export class WorkerHttpService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WorkerHttp');
  private server?: Server;

  constructor(
    @Inject(CONFIG) private readonly config: VidflowConfig,
    @Inject(TemporalWorkerService) private readonly workers: TemporalWorkerService,
    @Inject(WorkerMetrics) private readonly metrics: WorkerMetrics,
  ) {}

  /** The bound address, or undefined when the server is off or its port was taken. */
  address(): { host: string; port: number } | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? { host: address.address, port: address.port } : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { host, port } = this.config.worker.http;
    if (port === 0) return;
    this.server = await startWorkerHttpServer({
      host,
      port,
      metrics: () => this.metrics.registry.metrics(),
      metricsContentType: this.metrics.registry.contentType,
      readiness: () => this.workers.readiness(),
      warn: (message) => this.logger.warn(message),
    });
    if (this.server) this.logger.log(`health and metrics on http://${host}:${port} (/health/live, /health/ready, /metrics)`);
  }

  async onApplicationShutdown(): Promise<void> {
    await stopWorkerHttpServer(this.server);
    this.server = undefined;
  }
}
