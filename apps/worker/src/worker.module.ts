import { type DynamicModule, Module } from '@nestjs/common';
import type { VidflowConfig } from '@vidflow/config';
import { createActivityDeps } from './activity-deps.provider';
import { CacheCloser, cacheProvider } from './cache.provider';
import { TemporalWorkerService } from './temporal-worker.service';
import { ACTIVITY_DEPS, CACHE, CONFIG } from './tokens';
import { WorkerHttpService } from './worker-http.service';
import { WorkerMetrics } from './worker-metrics';

@Module({})
export class WorkerModule {
  static forRoot(config: VidflowConfig): DynamicModule {
    return {
      module: WorkerModule,
      providers: [
        { provide: CONFIG, useValue: config },
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
