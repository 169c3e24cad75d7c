import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

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

  /**
   * Status reads that went to Temporal (a describe, and a query while the run is running), by kind: with
   * STATUS_REFRESH_MS at most one per interval per run, however many readers and event streams (issue #18).
   */
  readonly statusReads = new Counter({
    name: 'vidflow_status_reads_total',
    help: 'Status reads sent to Temporal (describe, plus a query of a running run), by kind of run',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  /** Open event streams and the watchers they share (one per run), read when scraped. */
  readonly eventStreams = new Gauge({
    name: 'vidflow_event_streams',
    help: 'Open event streams (subscribers) and the run watchers they share, by kind of run',
    labelNames: ['kind', 'of'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [kind, stats] of this.streamStats) {
        const { watchers, subscribers } = stats();
        this.eventStreams.set({ kind, of: 'subscribers' }, subscribers);
        this.eventStreams.set({ kind, of: 'watchers' }, watchers);
      }
    },
  });

  private readonly streamStats = new Map<string, () => { watchers: number; subscribers: number }>();

  /** Lets `vidflow_event_streams` report a hub's figures. */
  reportStreams(kind: string, stats: () => { watchers: number; subscribers: number }): void {
    this.streamStats.set(kind, stats);
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'vidflow_api_' });
  }
}
