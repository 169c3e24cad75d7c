import { Client, Connection, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';

export const MAINTENANCE_SCHEDULE_ID = 'vidflow-cache-maintenance';

/**
 * Makes sure the cache-maintenance schedule exists (every worker asks; the first creates it). A Temporal
 * schedule rather than a timer in each worker: it runs once per interval for the whole cluster, shows
 * up in the Web UI, and survives any worker's restart.
 */
export async function ensureMaintenanceSchedule(options: {
  address: string;
  namespace: string;
  taskQueue: string;
  intervalSeconds: number;
}): Promise<boolean> {
  const connection = await Connection.connect({ address: options.address });
  try {
    const client = new Client({ connection, namespace: options.namespace });
    await client.schedule.create({
      scheduleId: MAINTENANCE_SCHEDULE_ID,
      spec: { intervals: [{ every: options.intervalSeconds * 1000 }] },
      action: { type: 'startWorkflow', workflowType: 'cacheMaintenanceWorkflow', workflowId: 'vidflow-cache-maintenance', taskQueue: options.taskQueue, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
    return true;
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return false;
    throw err;
  } finally {
    await connection.close();
  }
}
