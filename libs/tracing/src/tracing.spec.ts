import { context, propagation, trace } from '@opentelemetry/api';
import { loadConfig } from '@vidflow/config';
import { OtlpReceiver } from '../../../test/support/otlp-receiver';
import { tracingClientInterceptors } from './client-interceptors';
import { startTracing } from './start-tracing';
import { currentTraceId } from './trace-id';
import { workerTracing } from './worker-tracing';

afterEach(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('tracing', () => {
  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT: no SDK, no interceptors, no sinks, the untraced workflow bundle', async () => {
    const config = loadConfig({}, '/srv/vidflow');
    expect(config.tracing).toBeUndefined();
    expect(await startTracing(config.tracing, 'vidflow-api')).toBeUndefined();
    // The OpenTelemetry API is still the no-op one: a span records nothing and has no trace id.
    const span = trace.getTracer('t').startSpan('x');
    expect(span.isRecording()).toBe(false);
    context.with(trace.setSpan(context.active(), span), () => expect(currentTraceId()).toBeUndefined());
    expect(tracingClientInterceptors(config.tracing)).toEqual([]);
    expect(workerTracing(undefined)).toEqual({ traced: false, workflowInterceptorModules: [], activityInterceptors: [], sinks: {} });
  });

  it('is on with it: spans reach an OTLP/HTTP receiver as JSON under the service name, and the trace id is readable', async () => {
    const receiver = new OtlpReceiver();
    const endpoint = await receiver.start();
    try {
      const config = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=blue' }, '/srv/vidflow');
      const tracing = (await startTracing(config.tracing, 'vidflow-worker'))!;
      expect(tracing.serviceName).toBe('vidflow-worker');
      let traceId: string | undefined;
      trace.getTracer('t').startActiveSpan('unit span', (span) => {
        traceId = currentTraceId();
        span.end();
      });
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      await tracing.shutdown();
      expect(receiver.refused).toEqual([]);
      expect(receiver.spans).toEqual([expect.objectContaining({ service: 'vidflow-worker', name: 'unit span', traceId })]);
      expect(tracingClientInterceptors(config.tracing)).toHaveLength(3);
      const worker = workerTracing(tracing);
      expect(worker).toMatchObject({ traced: true, workflowInterceptorModules: [expect.stringMatching(/workflow-interceptors\.ts$/)] });
      expect(Object.keys(worker.sinks)).toEqual(['exporter']);
    } finally {
      await receiver.stop();
    }
  });
});
