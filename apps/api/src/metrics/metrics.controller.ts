import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { ApiMetrics } from './api-metrics';

/** Prometheus scrape endpoint. Outside /api, so it stays open when API_KEYS is set (like /health). */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: ApiMetrics) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format): HTTP requests and latency by route, process metrics' })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
