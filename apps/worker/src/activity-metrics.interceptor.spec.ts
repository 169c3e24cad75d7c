import { ApplicationFailure, CancelledFailure } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { activityMetricsInterceptors, failureType } from './activity-metrics.interceptor';
import { WorkerMetrics } from './worker-metrics';

/** Runs `fn` as activity `activityType` with the metrics interceptor, the way the Worker does. */
function runActivity<R>(metrics: WorkerMetrics, activityType: string, fn: () => Promise<R>): Promise<R> {
  const env = new MockActivityEnvironment(
    { activityType },
    // The SDK logs every failed attempt; these failures are on purpose.
    { interceptors: [activityMetricsInterceptors(metrics)], logger: new DefaultLogger('ERROR', () => undefined) },
  );
  return env.run(fn);
}

describe('activity metrics interceptor', () => {
  let metrics: WorkerMetrics;
  beforeEach(() => {
    metrics = new WorkerMetrics();
  });
  const text = (name: string) => metrics.registry.getSingleMetricAsString(name);

  it('times a completed render and counts its cache miss under the render stage', async () => {
    const result = await runActivity(metrics, 'renderVideo', async () => ({ path: '/x.mp4', cacheHit: false, attempt: 1 }));
    expect(result).toEqual({ path: '/x.mp4', cacheHit: false, attempt: 1 });
    expect(await text('vidflow_activity_duration_seconds')).toContain(
      'vidflow_activity_duration_seconds_count{activity="renderVideo",outcome="completed"} 1',
    );
    expect(await text('vidflow_stage_duration_seconds')).toContain('vidflow_stage_duration_seconds_count{stage="render"} 1');
    expect(await text('vidflow_cache_misses_total')).toContain('vidflow_cache_misses_total{stage="render"} 1');
    expect(await text('vidflow_cache_hits_total')).toContain('vidflow_cache_hits_total{stage="render"} 0');
    expect(await text('vidflow_activity_failures_total')).not.toContain('activity="renderVideo"');
  });

  it('maps writeScript to script and synthesizeScene to tts, counting cache hits per stage', async () => {
    await runActivity(metrics, 'writeScript', async () => ({ scenes: [], cacheHit: true }));
    for (const cacheHit of [true, true, false]) await runActivity(metrics, 'synthesizeScene', async () => ({ cacheHit }));
    const hits = await text('vidflow_cache_hits_total');
    expect(hits).toContain('vidflow_cache_hits_total{stage="script"} 1');
    expect(hits).toContain('vidflow_cache_hits_total{stage="tts"} 2');
    expect(await text('vidflow_cache_misses_total')).toContain('vidflow_cache_misses_total{stage="tts"} 1');
    const stages = await text('vidflow_stage_duration_seconds');
    expect(stages).toContain('vidflow_stage_duration_seconds_count{stage="script"} 1');
    expect(stages).toContain('vidflow_stage_duration_seconds_count{stage="tts"} 3');
  });

  it('records the duration of activities outside the stages, without stage or cache metrics', async () => {
    await runActivity(metrics, 'cleanupVideo', async () => undefined);
    expect(await text('vidflow_activity_duration_seconds')).toContain(
      'vidflow_activity_duration_seconds_count{activity="cleanupVideo",outcome="completed"} 1',
    );
    expect(await text('vidflow_stage_duration_seconds')).not.toMatch(/_count\{/);
  });

  it('counts a failure by its ApplicationFailure type and rethrows it unchanged', async () => {
    const failure = ApplicationFailure.create({ type: 'VoiceNotFound', message: 'no voice xx', nonRetryable: true });
    await expect(runActivity(metrics, 'synthesizeScene', async () => Promise.reject(failure))).rejects.toBe(failure);
    await expect(runActivity(metrics, 'synthesizeScene', async () => Promise.reject(new TypeError('boom')))).rejects.toThrow('boom');
    const failures = await text('vidflow_activity_failures_total');
    expect(failures).toContain('vidflow_activity_failures_total{activity="synthesizeScene",type="VoiceNotFound"} 1');
    expect(failures).toContain('vidflow_activity_failures_total{activity="synthesizeScene",type="TypeError"} 1');
    expect(await text('vidflow_activity_duration_seconds')).toContain(
      'vidflow_activity_duration_seconds_count{activity="synthesizeScene",outcome="failed"} 2',
    );
    // A failed attempt is neither a hit nor a miss, and not a stage duration.
    expect(await text('vidflow_cache_misses_total')).toContain('vidflow_cache_misses_total{stage="tts"} 0');
    expect(await text('vidflow_stage_duration_seconds')).not.toContain('stage="tts"} 1');
  });

  it('records a cancelled attempt as cancelled, not as a failure', async () => {
    await expect(runActivity(metrics, 'renderVideo', async () => Promise.reject(new CancelledFailure('CANCELLED')))).rejects.toThrow();
    expect(await text('vidflow_activity_duration_seconds')).toContain(
      'vidflow_activity_duration_seconds_count{activity="renderVideo",outcome="cancelled"} 1',
    );
    expect(await text('vidflow_activity_failures_total')).not.toContain('renderVideo');
  });

  it('observes the time the activity took', async () => {
    await runActivity(metrics, 'renderVideo', () => new Promise((r) => setTimeout(() => r({ cacheHit: false }), 120)));
    const sum = /vidflow_activity_duration_seconds_sum\{activity="renderVideo",outcome="completed"\} ([\d.e-]+)/.exec(
      await text('vidflow_activity_duration_seconds'),
    );
    expect(Number(sum?.[1])).toBeGreaterThanOrEqual(0.1);
    expect(Number(sum?.[1])).toBeLessThan(5);
  });
});

describe('failureType', () => {
  it('is the ApplicationFailure type, else the error name, as Temporal records it', () => {
    expect(failureType(ApplicationFailure.create({ type: 'FfmpegFailed', message: 'x' }))).toBe('FfmpegFailed');
    expect(failureType(ApplicationFailure.create({ message: 'untyped' }))).toBe('Error');
    expect(failureType(new RangeError('r'))).toBe('RangeError');
    expect(failureType('a string')).toBe('Error');
  });
});
