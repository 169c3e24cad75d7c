import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { VideoStatusView } from '@vidflow/contracts';
import { waitFor } from '../apps/launcher/src/wait-for';
import { freePort } from './support/free-port';
import { OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { StackProcess } from './support/process-stack';
import { testEnv } from './support/test-stack';

const APPS = resolve(__dirname, '..', 'apps');
const VIDEO_ID = 'vidflow.video.id';
/** Bounds a hang on a busy two-core machine; asserts nothing. */
const READY_MS = 180_000;

/**
 * Traces end to end: the built API and worker (`apps/<app>/dist/main.js`, as `npm start` runs them, so `npm run build`
 * first) as two processes with OTEL_EXPORTER_OTLP_ENDPOINT pointing at an OTLP/HTTP receiver in this test. One video
 * made through the REST API must arrive as one trace: the HTTP request's span (continuing the caller's W3C
 * traceparent), the StartWorkflow span under it, the workflow's span, and a StartActivity/RunActivity pair for the
 * script, each scene's speech and the render, every span reaching the HTTP span through its parents.
 */
describe('traces (OpenTelemetry over OTLP/HTTP)', () => {
  const receiver = new OtlpReceiver();
  let api: StackProcess;
  let worker: StackProcess;
  let apiUrl: string;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    const env = {
      ...process.env,
      ...testEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        API_PORT: String(apiPort),
        WORKER_HTTP_PORT: String(workerPort),
        WORKER_TEMPORAL_METRICS_PORT: '0',
      }),
    };
    const dir = env.DATA_DIR!;
    const node = (app: string) => () => ({ command: process.execPath, args: [join(APPS, app, 'dist', 'main.js')], env });
    worker = new StackProcess('worker', join(dir, 'worker.log'), node('worker'));
    api = new StackProcess('api', join(dir, 'api.log'), node('api'));
    worker.start();
    api.start();
    await waitFor('the worker', async () => (await fetch(`http://127.0.0.1:${workerPort}/health/ready`)).ok, READY_MS);
    await waitFor('the API', async () => (await fetch(`${apiUrl}/health/live`)).ok, READY_MS);
  });

  afterAll(async () => {
    await api?.stop();
    await worker?.stop();
    await receiver.stop();
  });

  it('sends one trace per video: HTTP request -> StartWorkflow -> workflow -> every activity, tagged with the video id', async () => {
    // The caller's own span: the API must continue its trace (W3C traceparent), not start a new one.
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const created = await fetch(`${apiUrl}/api/videos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${callerSpanId}-01` },
      body: JSON.stringify({
        script:
          'A trace follows one request from the moment it reaches the API. It crosses the Temporal client, the workflow ' +
          'and every activity the workflow schedules. Each scene is spoken on its own, so each has its own span. ' +
          'The render comes last, and its span closes the trace.',
      }),
    });
    expect(created.status).toBe(202);
    // The request id is the trace id while tracing is on (logs lead to the trace).
    expect(created.headers.get('x-request-id')).toBe(traceId);
    const { id } = (await created.json()) as { id: string };

    let status: VideoStatusView | undefined;
    await waitFor(
      `video ${id}`,
      async () => {
        status = (await (await fetch(`${apiUrl}/api/videos/${id}`)).json()) as VideoStatusView;
        return ['completed', 'failed', 'cancelled'].includes(status.status);
      },
      READY_MS,
      500,
    );
    expect(status).toMatchObject({ status: 'completed' });
    const scenes = status!.stages.tts.total!;
    expect(scenes).toBeGreaterThanOrEqual(2);

    // SIGTERM: each process exports what its batch still holds as it exits.
    await api.stop();
    await worker.stop();
    expect(receiver.refused).toEqual([]);

    // Every span that names this video belongs to the caller's trace: one trace for the video.
    const tagged = receiver.spans.filter((s) => s.attributes[VIDEO_ID] === id);
    expect([...new Set(tagged.map((s) => s.traceId))]).toEqual([traceId]);
    const trace = receiver.spans.filter((s) => s.traceId === traceId);
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const named = (name: string) => trace.filter((s) => s.name === name);
    const only = (name: string) => {
      const found = named(name);
      expect(found.map((s) => s.name)).toEqual([name]);
      return found[0]!;
    };
    const parentOf = (span: ReceivedSpan) => byId.get(span.parentSpanId);

    const http = only('POST /api/videos');
    expect(http).toMatchObject({ service: 'vidflow-api', kind: 2, parentSpanId: callerSpanId });
    expect(http.attributes).toMatchObject({ 'http.response.status_code': 202, 'http.route': '/api/videos', [VIDEO_ID]: id });
    const start = only('StartWorkflow:videoWorkflow');
    expect(start).toMatchObject({ service: 'vidflow-api', parentSpanId: http.spanId });
    expect(start.attributes[VIDEO_ID]).toBe(id);
    const run = only('RunWorkflow:videoWorkflow');
    expect(run).toMatchObject({ service: 'vidflow-worker', parentSpanId: start.spanId });
    expect(run.attributes[VIDEO_ID]).toBe(id);

    // One StartActivity per scheduled activity (in the workflow), at least one RunActivity (one per attempt) under it.
    const activities = { writeScript: 1, synthesizeScene: scenes, renderVideo: 1 };
    for (const [type, count] of Object.entries(activities)) {
      const starts = named(`StartActivity:${type}`);
      expect(starts).toHaveLength(count);
      for (const s of starts) {
        expect(s).toMatchObject({ service: 'vidflow-worker', parentSpanId: run.spanId });
        expect(s.attributes[VIDEO_ID]).toBe(id);
        const runs = trace.filter((r) => r.name === `RunActivity:${type}` && r.parentSpanId === s.spanId);
        expect(runs.length).toBeGreaterThanOrEqual(1);
        for (const r of runs) expect(r).toMatchObject({ service: 'vidflow-worker', attributes: { [VIDEO_ID]: id, temporalWorkflowId: id } });
      }
      expect(named(`RunActivity:${type}`).length).toBeGreaterThanOrEqual(count);
    }

    // Correctly parented: from every span of the trace, the parent chain reaches the HTTP span.
    const unreachable = trace.filter((span) => {
      let at: ReceivedSpan | undefined = span;
      const seen = new Set<string>();
      while (at && at !== http && !seen.has(at.spanId)) {
        seen.add(at.spanId);
        at = parentOf(at);
      }
      return at !== http;
    });
    expect(unreachable.map((s) => s.name)).toEqual([]);
  });
});
