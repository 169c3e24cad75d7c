import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ApiMetrics } from './api-metrics';
import { MetricsController } from './metrics.controller';
import { RouteLabelInterceptor } from './route-label.interceptor';

@Module({
  controllers: [MetricsController],
  providers: [ApiMetrics, { provide: APP_INTERCEPTOR, useClass: RouteLabelInterceptor }],
  exports: [ApiMetrics],
})
export class MetricsModule {}
