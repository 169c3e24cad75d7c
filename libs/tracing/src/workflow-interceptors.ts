/**
 * Workflow interceptors of traced workers: built into the traced workflow bundle (workflow-bundle-traced.js, see
 * libs/workflows/src/bundle-workflows.ts) and so run inside Temporal's deterministic sandbox. Temporal's own
 * OpenTelemetry interceptors make the `RunWorkflow:<type>` and `StartActivity:<type>` spans (exported through the
 * worker's `exporter` sink, never during replay); the inner ones here tag those spans with the video id.
 */
import { trace } from '@opentelemetry/api';
import { interceptors as openTelemetryInterceptors } from '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors';
import type {
  ActivityInput,
  LocalActivityInput,
  Next,
  WorkflowExecuteInput,
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptors,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { tagVideo } from './video-id';

class VideoIdInboundInterceptor implements WorkflowInboundCallsInterceptor {
  execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    tagVideo(trace.getActiveSpan(), input.args);
    return next(input);
  }
}

class VideoIdOutboundInterceptor implements WorkflowOutboundCallsInterceptor {
  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    tagVideo(trace.getActiveSpan(), input.args);
    return next(input);
  }

  scheduleLocalActivity(input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>): Promise<unknown> {
    tagVideo(trace.getActiveSpan(), input.args);
    return next(input);
  }
}

export const interceptors = (): WorkflowInterceptors => {
  const otel = openTelemetryInterceptors();
  return {
    inbound: [...(otel.inbound ?? []), new VideoIdInboundInterceptor()],
    outbound: [...(otel.outbound ?? []), new VideoIdOutboundInterceptor()],
    internals: otel.internals ?? [],
  };
};
