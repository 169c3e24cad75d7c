import { isSpanContextValid, trace } from '@opentelemetry/api';

/** The trace id of the span active here, or undefined without one (always so while tracing is off). */
export function currentTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context) ? context.traceId : undefined;
}
