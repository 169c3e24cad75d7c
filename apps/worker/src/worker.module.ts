import { type DynamicModule, Module } from '@nestjs/common';
import type { VidflowConfig } from '@vidflow/config';
import type { Tracing } from '@vidflow/tracing';
import { createActivityDeps } from './activity-deps.provider';
import { CacheCloser, cacheProvider } from './cache.provider';
import { TemporalWorkerService } from './temporal-worker.service';
import { ACTIVITY_DEPS, CACHE, CONFIG, TRACING } from './tokens';
import { WorkerHttpService } from './worker-http.service';
import { WorkerMetrics } from './worker-metrics';

@Module({})
export class WorkerModule {
  /** `tracing`: the OpenTelemetry SDK main.ts started when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  static forRoot(config: VidflowConfig, options: { tracing?: Tracing } = {}): DynamicModule {
    return {
      module: WorkerModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: TRACING, useFactory: () => options.tracing },
        cacheProvider,
        CacheCloser,
        { provide: ACTIVITY_DEPS, useFactory: createActivityDeps, inject: [CONFIG, CACHE] },
        TemporalWorkerService,
        // One registry per context: the e2e tests run several workers in one process.
        { provide: WorkerMetrics, useFactory: () => new WorkerMetrics() },
        WorkerHttpService,
      ],
      exports: [TemporalWorkerService],
    };
  }
}
