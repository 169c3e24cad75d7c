import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Pipeline stages whose activities report a cache hit or miss. */
export const CACHED_STAGES = ['script', 'tts', 'render'] as const;
export type CachedStage = (typeof CACHED_STAGES)[number];

/**
 * The worker's own Prometheus metrics (the Temporal SDK's runtime metrics are served separately, by
 * the SDK, on WORKER_TEMPORAL_METRICS_PORT). One registry per instance, not prom-client's global one,
 * so that several workers in one process (the e2e tests) never collide on a metric name.
 */
export class WorkerMetrics {
  readonly registry = new Registry();

  readonly activityDuration = new Histogram({
    name: 'vidflow_activity_duration_seconds',
    help: 'Wall time of one activity attempt on this worker, by activity and outcome (completed, failed, cancelled)',
    labelNames: ['activity', 'outcome'] as const,
    // From a cached script (milliseconds) to a long render (many minutes).
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers: [this.registry],
  });

  readonly activityFailures = new Counter({
    name: 'vidflow_activity_failures_total',
    help: 'Failed activity attempts, by activity and failure type (the ApplicationFailure type, else the error name)',
    labelNames: ['activity', 'type'] as const,
    registers: [this.registry],
  });

  readonly stageDuration = new Histogram({
    name: 'vidflow_stage_duration_seconds',
    help: 'Wall time of one completed activity of a pipeline stage: script (writeScript), tts (synthesizeScene, one per scene), render (renderVideo)',
    labelNames: ['stage'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers: [this.registry],
  });

  readonly cacheHits = new Counter({
    name: 'vidflow_cache_hits_total',
    help: 'Completed stage activities whose result came from the artifact cache',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });

  readonly cacheMisses = new Counter({
    name: 'vidflow_cache_misses_total',
    help: 'Completed stage activities that had to do the work (no usable cache entry)',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });

  constructor() {
    // Series that exist from the start, so that rate() and hit ratios work before the first video.
    for (const stage of CACHED_STAGES) {
      this.cacheHits.inc({ stage }, 0);
      this.cacheMisses.inc({ stage }, 0);
    }
    collectDefaultMetrics({ register: this.registry, prefix: 'vidflow_worker_' });
  }
}
