import type { CleanupTranscriptionInput } from '@vidflow/contracts';
import type { ActivityDeps } from '../activity-deps';
import { transcriptionDir, transcriptionWorkDir } from './transcription-paths';

/**
 * Removes a transcription's intermediate files (extracted audio, chunk transcripts, captions, a downloaded source)
 * and its attempts' scratch folders; with `outputs`, its finished files too (a cancelled or failed run leaves
 * nothing half-made). Idempotent: the workflow runs it on every ending, and again when a retry follows a lost worker.
 */
export function makeCleanupTranscription(deps: Pick<ActivityDeps, 'store'>) {
  return async function cleanupTranscription(input: CleanupTranscriptionInput): Promise<void> {
    await deps.store.remove(input.outputs ? transcriptionDir(input.transcriptionId) : transcriptionWorkDir(input.transcriptionId));
    await deps.store.remove(deps.store.tmpDir(input.transcriptionId));
  };
}
