import { trace } from '@opentelemetry/api';
import type { Next, WorkflowClientInterceptor, WorkflowSignalWithStartInput, WorkflowStartInput, WorkflowStartOutput } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import type { TracingConfig } from '@vidflow/config';
import { tagVideo } from './video-id';

/** Tags the span active around a workflow start with the video id of the workflow's input. */
class VideoIdClientInterceptor implements WorkflowClientInterceptor {
  start(input: WorkflowStartInput, next: Next<WorkflowClientInterceptor, 'start'>): Promise<string> {
    tagVideo(trace.getActiveSpan(), input.options.args);
    return next(input);
  }

  startWithDetails(input: WorkflowStartInput, next: Next<WorkflowClientInterceptor, 'startWithDetails'>): Promise<WorkflowStartOutput> {
    tagVideo(trace.getActiveSpan(), input.options.args);
    return next(input);
  }

  signalWithStart(input: WorkflowSignalWithStartInput, next: Next<WorkflowClientInterceptor, 'signalWithStart'>): Promise<string> {
    tagVideo(trace.getActiveSpan(), input.options.args);
    return next(input);
  }
}

/**
 * The Temporal client's workflow interceptors: none while tracing is off. With it, Temporal's OpenTelemetry
 * interceptor opens a `StartWorkflow:<type>` span and passes its context to the run in the start's headers;
 * the video-id tagger around it marks the span of the caller (the HTTP request's), the one inside it the start's.
 */
export function tracingClientInterceptors(config: TracingConfig | undefined): WorkflowClientInterceptor[] {
  if (!config) return [];
  return [new VideoIdClientInterceptor(), new OpenTelemetryWorkflowClientInterceptor(), new VideoIdClientInterceptor()];
}
