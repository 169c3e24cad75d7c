import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import type { VidflowConfig } from '@vidflow/config';
import type { Tracing } from '@vidflow/tracing';
import { openCache } from '@vidflow/cache';
import { BatchesController } from './batches/batches.controller';
import { BatchesService } from './batches/batches.service';
import { CacheController } from './cache/cache.controller';
import { CacheService } from './cache/cache.service';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { loggingModule } from './common/logging';
import { HealthChecksService } from './health/health-checks.service';
import { HealthController } from './health/health.controller';
import { MediaController } from './media/media.controller';
import { McpModule } from './mcp/mcp.module';
import { MediaService } from './media/media.service';
import { MetricsModule } from './metrics/metrics.module';
import { SchedulesController } from './schedules/schedules.controller';
import { SchedulesService } from './schedules/schedules.service';
import { StudioConfigController } from './studio/studio-config.controller';
import { SystemController } from './system/system.controller';
import { SystemService } from './system/system.service';
import { TemporalModule } from './temporal/temporal.module';
import { TranscriptionsController } from './transcriptions/transcriptions.controller';
import { TranscriptionsService } from './transcriptions/transcriptions.service';
import { UploadsController } from './uploads/uploads.controller';
import { UploadsService } from './uploads/uploads.service';
import { CACHE, CONFIG, OBJECT_STORE } from './tokens';
import { openObjectStore } from '@vidflow/activities/object-store';
import { VideosController } from './videos/videos.controller';
import { VideoListService } from './videos/video-list.service';
import { VideosService } from './videos/videos.service';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksService } from './webhooks/webhooks.service';
import { VoicesController } from './voices/voices.controller';
import { VoicesService } from './voices/voices.service';
import { TracingModule } from './tracing/tracing.module';

@Module({})
export class AppModule {
  static forRoot(config: VidflowConfig, options: { silent?: boolean; tracing?: Tracing } = {}): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        loggingModule(config, options.silent),
        TemporalModule,
        TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' }),
        MetricsModule,
        McpModule,
        ...(options.tracing ? [TracingModule.forRoot(options.tracing)] : []),
      ],
      controllers: [VideosController, BatchesController, SchedulesController, CacheController, HealthController, StudioConfigController, UploadsController, TranscriptionsController, SystemController, WebhooksController, MediaController, VoicesController],
      providers: [
        { provide: CONFIG, useValue: config },
        // With ARTIFACT_STORE=s3 the cache's files live in the artifact bucket (config.cache.files = 'bucket').
        { provide: CACHE, useFactory: () => openCache(config.cache, openObjectStore(config)) },
        { provide: OBJECT_STORE, useFactory: () => openObjectStore(config) },
        CacheService,
        HealthChecksService,
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        VideosService,
        VideoListService,
        BatchesService,
        SchedulesService,
        UploadsService,
        TranscriptionsService,
        SystemService,
        WebhooksService,
        MediaService,
        VoicesService,
      ],
      // The MCP tools (McpModule) call the services the REST controllers call.
      exports: [CONFIG, VideosService, VideoListService, BatchesService, TranscriptionsService],
    };
  }
}
