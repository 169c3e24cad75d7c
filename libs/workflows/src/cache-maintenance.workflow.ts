import { proxyActivities } from '@temporalio/workflow';
import type { IoActivities } from '@vidflow/activities';

const { maintainCache } = proxyActivities<IoActivities>({
  startToCloseTimeout: '30m',
  retry: { initialInterval: '10s', maximumAttempts: 3 },
});

export const CACHE_MAINTENANCE_WORKFLOW = 'cacheMaintenanceWorkflow';

/** Started by the `vidflow-cache-maintenance` schedule that every worker makes sure exists. */
export async function cacheMaintenanceWorkflow(): Promise<{ removed: number; bytesFreed: number }> {
  return maintainCache();
}
