/**
 * Default task-queue names. Workflows and the cheap, I/O-bound activities (script, speech) share one
 * queue; rendering has its own so that CPU-heavy work can be scaled and bounded separately.
 * All can be overridden by configuration (TASK_QUEUE_IO, TASK_QUEUE_RENDER, TASK_QUEUE_LLM, TASK_QUEUE_STT).
 */
export const DEFAULT_TASK_QUEUES = {
  io: 'vidflow-io',
  render: 'vidflow-render',
  llm: 'vidflow-llm',
  /** Speech-to-text (probe, extract, split, transcribe, write subtitles): CPU-bound with the offline recogniser. */
  stt: 'vidflow-stt',
} as const;

export interface TaskQueues {
  io: string;
  render: string;
  /** Script writing only, so that the queue's activities-per-second limit rate-limits LLM calls cluster-wide. */
  llm: string;
  /** Speech-to-text activities of transcriptions (optional here so that existing callers need not name it). */
  stt?: string;
}
