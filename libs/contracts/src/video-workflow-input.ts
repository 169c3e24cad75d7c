import type { VideoWorkflowInput } from './video-status';
import type { VideoRequest } from './video-request.schema';

// The one builder of a video workflow's input: the API starts videos with it and the batch workflow starts its
// items with it, so both runs get the same fields. Free of zod (the batch workflow imports it, see ./workflow).

/** Where and how a video's work runs: the same for every video of a deployment (from its config). */
export interface VideoRunSettings {
  /** How many scenes are synthesised at once within one video. */
  ttsParallelism: number;
  /** Task queue of the video workflow itself and of its speech and housekeeping activities. */
  ioTaskQueue: string;
  renderTaskQueue: string;
  llmTaskQueue: string;
  /** How long completion webhooks are retried (WEBHOOK_RETRY_HOURS). */
  webhookRetryHours?: number;
}

/** The run settings from a deployment's config (VidflowConfig's `ttsParallelism` and `taskQueues`). */
export function videoRunSettings(config: {
  ttsParallelism: number;
  taskQueues: { io: string; render: string; llm: string };
  webhooks?: { retryHours: number };
}): VideoRunSettings {
  return {
    ...(config.webhooks ? { webhookRetryHours: config.webhooks.retryHours } : {}),
    ttsParallelism: config.ttsParallelism,
    ioTaskQueue: config.taskQueues.io,
    renderTaskQueue: config.taskQueues.render,
    llmTaskQueue: config.taskQueues.llm,
  };
}

/**
 * A video workflow's input. `pipelineCache` says what the API's own pipeline-cache lookup found (see
 * VideoWorkflowInput); without it the run looks the request up itself.
 */
export function videoWorkflowInput(
  videoId: string,
  request: VideoRequest,
  run: VideoRunSettings,
  pipelineCache?: VideoWorkflowInput['pipelineCache'],
): VideoWorkflowInput {
  return {
    videoId,
    request,
    ttsParallelism: run.ttsParallelism,
    renderTaskQueue: run.renderTaskQueue,
    llmTaskQueue: run.llmTaskQueue,
    ...(request.callbackUrl && run.webhookRetryHours !== undefined ? { webhookRetryHours: run.webhookRetryHours } : {}),
    ...(pipelineCache ? { pipelineCache } : {}),
  };
}
