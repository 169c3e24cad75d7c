import { trace } from '@opentelemetry/api';
import { makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor } from '@temporalio/interceptors-opentelemetry/lib/worker';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry/lib/workflow/definitions';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, InjectedSinks, Next } from '@temporalio/worker';
import type { Tracing } from './start-tracing';
import { tagVideo } from './video-id';

/** The module of the workflow interceptors (for workers that bundle the workflows themselves). */
export const WORKFLOW_INTERCEPTORS_MODULE = require.resolve('./workflow-interceptors');

class VideoIdActivityInterceptor implements ActivityInboundCallsInterceptor {
  execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    tagVideo(trace.getActiveSpan(), input.args);
    return next(input);
  }
}

export interface WorkerTracing {
  /** Whether the worker must load the traced workflow bundle (or bundle with `workflowInterceptorModules`). */
  traced: boolean;
  /** Temporal's OpenTelemetry workflow interceptors and the video-id tagger; empty while tracing is off. */
  workflowInterceptorModules: string[];
  /** First in each worker's list: a `RunActivity:<type>` span (child of the workflow's StartActivity span) around the rest. */
  activityInterceptors: ActivityInterceptorsFactory[];
  /** The `exporter` sink the workflow interceptors hand finished workflow spans to. */
  sinks: InjectedSinks<OpenTelemetrySinks> | Record<string, never>;
}

const OFF: WorkerTracing = Object.freeze({ traced: false, workflowInterceptorModules: [], activityInterceptors: [], sinks: {} });

/** What a worker adds to its Temporal Workers: nothing at all while tracing is off (no SDK started). */
export function workerTracing(tracing: Tracing | undefined): WorkerTracing {
  if (!tracing) return OFF;
  return {
    traced: true,
    workflowInterceptorModules: [WORKFLOW_INTERCEPTORS_MODULE],
    activityInterceptors: [
      (ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) }),
      () => ({ inbound: new VideoIdActivityInterceptor() }),
    ],
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}
