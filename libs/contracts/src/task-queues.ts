/**
 * Default task-queue names. Workflows and the cheap, I/O-bound activities (script, speech) share one
 * queue; rendering has its own so that CPU-heavy work can be scaled and bounded separately.
 * Both can be overridden by configuration (TASK_QUEUE_IO, TASK_QUEUE_RENDER).
 */
export const DEFAULT_TASK_QUEUES = {
  io: 'vidflow-io',
  render: 'vidflow-render',
  llm: 'vidflow-llm',
} as const;

export interface TaskQueues {
  io: string;
  render: string;
  /** Script writing only, so that the queue's activities-per-second limit rate-limits LLM calls cluster-wide. */
  llm: string;
}
