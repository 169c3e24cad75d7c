import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from '@vidflow/config';

/** A started OpenTelemetry SDK: what the worker's workflow-span sink needs, and the flush at exit. */
export interface Tracing {
  readonly serviceName: string;
  readonly resource: Resource;
  /** The batch processor in front of the OTLP exporter; workflow spans (from the sandbox, via a sink) go through it too. */
  readonly spanProcessor: SpanProcessor;
  /** Exports what is still buffered, then stops the SDK. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry Node SDK when tracing is configured (an OTLP endpoint is set), else does nothing and
 * resolves to undefined: the SDK's modules are not even loaded, and the OpenTelemetry API stays its no-op self.
 * Registers the global tracer provider with AsyncLocalStorage context and the W3C trace-context propagator.
 */
export async function startTracing(config: TracingConfig | undefined, defaultServiceName: string): Promise<Tracing | undefined> {
  if (!config) return undefined;
  const [{ OTLPTraceExporter }, { Resource }, { BatchSpanProcessor }, { NodeTracerProvider }] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/sdk-trace-node'),
  ]);
  const serviceName = config.serviceName ?? defaultServiceName;
  const resource = new Resource({ 'service.name': serviceName });
  // OTLP/HTTP with JSON bodies: what Jaeger, Tempo and the OpenTelemetry Collector take on port 4318.
  const exporter = new OTLPTraceExporter({ url: config.tracesUrl, headers: { ...config.headers } });
  const spanProcessor = new BatchSpanProcessor(exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  return { serviceName, resource, spanProcessor, shutdown: () => provider.shutdown() };
}
