import { isTerminalStatus, TRANSCRIPTION_STAGES, type TranscriptionStatusView } from '@vidflow/contracts';

/**
 * A transcription's status version for its event stream: it grows with the stage, the chunks done and the
 * run's end, and never goes back within a run (Last-Event-ID resumes from it).
 */
export function transcriptionStatusVersion(s: TranscriptionStatusView): number {
  const phase = s.status === 'queued' ? 0 : isTerminalStatus(s.status) ? 2 : 1;
  let v = Math.max(0, TRANSCRIPTION_STAGES.indexOf(s.stage));
  v = v * 100_001 + Math.min(100_000, s.chunks.done);
  v = v * 1001 + Math.round(Math.min(1, Math.max(0, s.progress)) * 1000);
  return v * 3 + phase;
}
