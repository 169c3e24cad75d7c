import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import type { VidflowConfig } from '@vidflow/config';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { HealthController } from './health/health.controller';
import { TemporalModule } from './temporal/temporal.module';
import { CONFIG } from './tokens';
import { VideosController } from './videos/videos.controller';
import { VideosService } from './videos/videos.service';

@Module({})
export class AppModule {
  static forRoot(config: VidflowConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [TemporalModule, TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' })],
      controllers: [VideosController, HealthController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        VideosService,
      ],
      exports: [CONFIG],
    };
  }
}
