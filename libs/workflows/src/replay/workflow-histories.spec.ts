import { Resource } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { bundleWorkflowCode, DefaultLogger, type ReplayResult, Runtime, type WorkflowBundleWithSourceMap, Worker } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTORS_MODULE, workerTracing, type Tracing } from '@vidflow/tracing';
import { eventTypes, type HistoryFixture, readHistoryFixtures, scheduledActivities, toReplayInput } from './history-fixtures';

/**
 * Replay tests: every history in histories/ was recorded from a real run (`npm run record:histories`) and must
 * replay on the workflow code as it is now. A change that would make a running workflow's next task disagree with
 * its history (an activity added, removed or reordered, a child or timer moved, ...) fails here, before it reaches
 * a worker that has such runs in flight. Such a change needs `patched()`; see the README ("Changing a workflow").
 *
 * No server: Worker.runReplayHistories feeds the histories to the workflow code in this process. The code is
 * bundled from the sources here (not the prebuilt dist bundle), so an edit is tested without a build.
 */
const fixtures = readHistoryFixtures();
const byName = new Map(fixtures.map((f) => [f.name, f]));
const fixture = (name: string): HistoryFixture => {
  const f = byName.get(name);
  if (!f) throw new Error(`no recorded history ${name}.json: run npm run record:histories`);
  return f;
};

let bundle: WorkflowBundleWithSourceMap;
/** The workflows with the tracing interceptors built in, as workers with OTEL_EXPORTER_OTLP_ENDPOINT load them. */
let tracedBundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  try {
    // The replay worker logs each state change at INFO; a failed replay is reported by its result.
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // a runtime exists already in this process
  }
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../index'), logger: quietLogger() });
  tracedBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../index'),
    workflowInterceptorModules: [WORKFLOW_INTERCEPTORS_MODULE],
    logger: quietLogger(),
  });
}, 240_000);

describe('recorded workflow histories', () => {
  it('covers a video (cache miss, both kinds of hit, failed, cancelled, stock and generated visuals), batches (a failed item, continue-as-new) and cache maintenance', () => {
    expect(fixtures.map((f) => f.name)).toEqual([
      'batch-continued-as-new-1',
      'batch-continued-as-new-2',
      'batch-failed-item',
      'cache-maintenance-sweep',
      'cache-maintenance',
      'video-cache-hit-api',
      'video-cache-hit-lookup',
      'video-cache-miss',
      'video-cancelled',
      'video-failed-script',
      'video-visuals-generated',
      'video-visuals-stock',
    ]);
  });

  // What each file shows, read from its events: a re-recording that no longer shows it fails here.
  it.each([
    ['video-cache-miss', 'COMPLETED', ['writeScript', 'synthesizeScene', 'synthesizeScene', 'renderVideo', 'storePipeline', 'cleanupVideo']],
    ['video-cache-hit-lookup', 'COMPLETED', []],
    ['video-cache-hit-api', 'COMPLETED', []],
    ['video-failed-script', 'FAILED', ['writeScript', 'cleanupVideo']],
    ['video-visuals-stock', 'COMPLETED', ['writeScript', 'findSceneVisual', 'synthesizeScene', 'synthesizeScene', 'renderVideo', 'storePipeline', 'cleanupVideo']],
    ['video-visuals-generated', 'COMPLETED', ['writeScript', 'generateSceneImage', 'synthesizeScene', 'synthesizeScene', 'renderVideo', 'storePipeline', 'cleanupVideo']],
    ['video-cancelled', 'CANCELED', ['writeScript', 'synthesizeScene', 'synthesizeScene', 'renderVideo', 'cleanupVideo']],
    ['batch-failed-item', 'COMPLETED', []],
    ['batch-continued-as-new-1', 'CONTINUED_AS_NEW', []],
    ['batch-continued-as-new-2', 'COMPLETED', []],
    ['cache-maintenance', 'COMPLETED', ['maintainCache']],
    ['cache-maintenance-sweep', 'COMPLETED', ['maintainCache', 'sweepRunFolders']],
  ])('%s ends %s after scheduling %j', (name, end, activities) => {
    const f = fixture(name);
    expect(eventTypes(f).at(-1)).toBe(`EVENT_TYPE_WORKFLOW_EXECUTION_${end}`);
    expect(scheduledActivities(f)).toEqual(activities);
  });

  it('the special paths are in the histories: local lookups, the cancel, the failed child, the carried state', () => {
    const count = (name: string, type: string) => eventTypes(fixture(name)).filter((t) => t === `EVENT_TYPE_${type}`).length;
    // The workflow's own pipeline lookup is a local activity: a marker, not a scheduled activity.
    expect(['video-cache-miss', 'video-cache-hit-lookup', 'video-cache-hit-api'].map((n) => count(n, 'MARKER_RECORDED'))).toEqual([1, 1, 0]);
    expect(count('video-cancelled', 'ACTIVITY_TASK_CANCELED')).toBe(1);
    // The sweep's patch marker, absent from the run recorded before it.
    expect([count('cache-maintenance-sweep', 'MARKER_RECORDED'), count('cache-maintenance', 'MARKER_RECORDED')]).toEqual([1, 0]);
    expect(count('batch-failed-item', 'CHILD_WORKFLOW_EXECUTION_FAILED')).toBe(1);
    expect(count('batch-failed-item', 'CHILD_WORKFLOW_EXECUTION_COMPLETED')).toBe(2);
    const started = fixture('batch-continued-as-new-2').history.events[0]!.workflowExecutionStartedEventAttributes as { continuedExecutionRunId?: string };
    expect(started.continuedExecutionRunId).toEqual(expect.any(String));
  });

  it('every history replays on the current workflow code without a nondeterminism error', async () => {
    const results: ReplayResult[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, fixtures.map(toReplayInput))) results.push(result);
    expect(results).toHaveLength(fixtures.length);
    // One line per failing history, naming it: `video-cache-miss: [TMPRL1100] Nondeterminism error: ...`.
    const failures = results.flatMap((r, i) => (r.error ? [`${fixtures[i]!.name}: ${errorText(r.error)}`] : []));
    expect(failures).toEqual([]);
  }, 120_000);

  it('every history replays with the tracing workflow interceptors too, and a replay exports no span again', async () => {
    const exported = new InMemorySpanExporter();
    const spanProcessor = new SimpleSpanProcessor(exported);
    const tracing: Tracing = { serviceName: 'vidflow-worker', resource: new Resource({}), spanProcessor, shutdown: () => spanProcessor.shutdown() };
    const { sinks } = workerTracing(tracing);
    const results: ReplayResult[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: tracedBundle, sinks }, fixtures.map(toReplayInput))) results.push(result);
    expect(results).toHaveLength(fixtures.length);
    const failures = results.flatMap((r, i) => (r.error ? [`${fixtures[i]!.name}: ${errorText(r.error)}`] : []));
    expect(failures).toEqual([]);
    // Workflow spans go out through a sink that replays do not call: a worker that replays a run after a restart
    // or a cache eviction sends none of its spans twice.
    expect(exported.getFinishedSpans()).toEqual([]);
  }, 120_000);
});

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error);
}

function quietLogger() {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error };
}
