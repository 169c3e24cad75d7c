import type { VideoStatusView } from '@vidflow/contracts';
import { batchFigures, runBatchUnderFault, scratchLeftovers } from '../support/batch-under-fault';
import { useProcessStack } from '../support/process-stack';
import { recordResults } from '../support/reliability-results';

/**
 * Scenario 3: the Temporal dev server is SIGKILLed mid-batch and started again on the same SQLite file and
 * port. The worker and the API are left alone: they must reconnect by themselves and the batch complete.
 */
describe('reliability: Temporal dev server killed mid-batch', () => {
  const stackOf = useProcessStack({ basePort: 7630 });

  it('completes the batch once the server is back on the same database', async () => {
    const stack = stackOf();
    const result = await runBatchUnderFault(stack, {
      tag: 'Temporal kill',
      size: 20,
      maxConcurrent: 4,
      inject: async ({ batchId }) => {
        await stack.temporal.kill('SIGKILL');
        const killedAt = Date.now();
        // While Temporal is down the API says so (503 with Retry-After), rather than failing or hanging.
        const whileDown = await stack.get<{ error: { code: string } }>(`/api/batches/${batchId}`).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 5000));
        await stack.startTemporal();
        return {
          signal: 'SIGKILL',
          temporalKills: 1,
          temporalStarts: stack.temporal.starts,
          temporalDownSeconds: (Date.now() - killedAt) / 1000,
          apiStatusWhileDown: whileDown?.status,
        };
      },
    });
    recordResults('3-temporal-sigkill', { ...batchFigures(result), workerStarts: stack.worker.starts, apiStarts: stack.api.starts });

    expect(result.fault.apiStatusWhileDown).toBe(503);
    expect(result.batch).toMatchObject({ status: 'completed', total: 20, completed: 20, failed: 0, cancelled: 0 });
    for (const video of result.videos) expect(video).toMatchObject({ status: 'completed', renders: 1, produced: 1 });
    // Neither the worker nor the API was restarted: both reconnected on their own.
    expect([stack.worker.starts, stack.api.starts]).toEqual([1, 1]);
    const worker = await fetch(`${stack.workerUrl}/health/ready`);
    expect(worker.status).toBe(200);
    const anyVideo = await stack.get<VideoStatusView>(`/api/videos/${result.videos[0]!.id}`);
    expect(anyVideo.status).toBe(200);
    expect(scratchLeftovers(stack.dataDir)).toEqual([]);
    expect(result.strayProcesses).toEqual([]);
    expect(result.cache.corrupt).toEqual([]);
  });
});
