import { type DynamicModule, Module } from '@nestjs/common';
import type { VidflowConfig } from '@vidflow/config';
import { createActivityDeps } from './activity-deps.provider';
import { TemporalWorkerService } from './temporal-worker.service';
import { ACTIVITY_DEPS, CONFIG } from './tokens';

@Module({})
export class WorkerModule {
  static forRoot(config: VidflowConfig): DynamicModule {
    return {
      module: WorkerModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: ACTIVITY_DEPS, useFactory: createActivityDeps, inject: [CONFIG] },
        TemporalWorkerService,
      ],
      exports: [TemporalWorkerService],
    };
  }
}
