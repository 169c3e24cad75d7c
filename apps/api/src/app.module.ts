import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import type { VidflowConfig } from '@vidflow/config';
import { BatchesController } from './batches/batches.controller';
import { BatchesService } from './batches/batches.service';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { HealthController } from './health/health.controller';
import { SchedulesController } from './schedules/schedules.controller';
import { SchedulesService } from './schedules/schedules.service';
import { TemporalModule } from './temporal/temporal.module';
import { CONFIG } from './tokens';
import { VideosController } from './videos/videos.controller';
import { VideoListService } from './videos/video-list.service';
import { VideosService } from './videos/videos.service';

@Module({})
export class AppModule {
  static forRoot(config: VidflowConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [TemporalModule, TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' })],
      controllers: [VideosController, BatchesController, SchedulesController, HealthController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        VideosService,
        VideoListService,
        BatchesService,
        SchedulesService,
      ],
      exports: [CONFIG],
    };
  }
}
