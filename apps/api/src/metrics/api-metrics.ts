import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The API's Prometheus metrics. One registry per app instance (not prom-client's global one), so two
 * apps in one process, as the tests build them, never collide on a metric name.
 */
@Injectable()
export class ApiMetrics {
  readonly registry = new Registry();

  /** Every answered request; `route` is the Express route pattern, never the raw URL (bounded labels). */
  readonly requests = new Counter({
    name: 'vidflow_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly duration = new Histogram({
    name: 'vidflow_http_request_duration_seconds',
    help: 'Time from request arrival to the last byte of the response, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'vidflow_api_' });
  }
}
