import type { CleanupVideoInput } from '@vidflow/contracts';
import type { ActivityDeps } from '../activity-deps';

/** Removes a video's intermediate and scratch files once its workflow is over, whatever the outcome. */
export function makeCleanupVideo(deps: Pick<ActivityDeps, 'store'>) {
  return async function cleanupVideo(input: CleanupVideoInput): Promise<void> {
    await deps.store.remove(deps.store.workDir(input.videoId));
    await deps.store.remove(deps.store.tmpDir(input.videoId));
  };
}
