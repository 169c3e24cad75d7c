import { patched, proxyActivities } from '@temporalio/workflow';
import type { IoActivities } from '@vidflow/activities';

const { maintainCache, sweepRunFolders } = proxyActivities<IoActivities>({
  startToCloseTimeout: '30m',
  // The I/O worker heartbeats its activities on a timer (keep-alive interceptor): a lost worker's attempt runs again after this.
  heartbeatTimeout: '2m',
  retry: { initialInterval: '10s', maximumAttempts: 3 },
});

export const CACHE_MAINTENANCE_WORKFLOW = 'cacheMaintenanceWorkflow';

/** The patch that added the folder sweep: runs started before it (see replay/histories/cache-maintenance.json) end after maintainCache. */
export const SWEEP_PATCH = 'sweep-run-folders';

/** Started by the `vidflow-cache-maintenance` schedule that every worker makes sure exists. */
export async function cacheMaintenanceWorkflow(): Promise<{ removed: number; bytesFreed: number; sweptFolders?: number }> {
  const cache = await maintainCache();
  // Terminated and timed-out runs never run cleanupVideo: their work/ and tmp/ folders are swept here.
  if (patched(SWEEP_PATCH)) {
    const swept = await sweepRunFolders();
    return { ...cache, sweptFolders: swept.removed.length };
  }
  return cache;
}
