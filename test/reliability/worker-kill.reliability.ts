import { batchFigures, runBatchUnderFault, scratchLeftovers } from '../support/batch-under-fault';
import { processesMentioning } from '../support/processes';
import { useProcessStack } from '../support/process-stack';
import { recordResults } from '../support/reliability-results';

/**
 * Scenario 1: a worker is SIGKILLed in the middle of a 20-video batch (while it renders) and a new one is
 * started. Temporal notices the dead worker's activities only by their timeouts (30 s without a heartbeat:
 * the render's progress, the keep-alive heartbeats of speech and script writing) and runs them again on the
 * new worker.
 */
describe('reliability: worker killed mid-batch', () => {
  const stackOf = useProcessStack({ basePort: 7610 });

  it('completes every video once, valid, with no scratch files left', async () => {
    const stack = stackOf();
    let killedRenders: string[] = [];
    const result = await runBatchUnderFault(stack, {
      tag: 'Worker kill',
      size: 20,
      maxConcurrent: 4,
      inject: async ({ rendering }) => {
        await stack.worker.kill('SIGKILL');
        killedRenders = rendering;
        // SIGKILL reaches the worker alone: its ffmpeg and espeak-ng children are orphaned for a moment.
        const orphaned = processesMentioning(stack.dataDir).length;
        await stack.startWorker();
        return { signal: 'SIGKILL', workerKills: 1, workerStarts: stack.worker.starts, rendersAtKill: killedRenders, childProcessesOrphanedByKill: orphaned };
      },
    });
    recordResults('1-worker-sigkill', batchFigures(result));

    expect(result.batch).toMatchObject({ status: 'completed', total: 20, completed: 20, failed: 0, cancelled: 0 });
    for (const video of result.videos) {
      expect(video).toMatchObject({ status: 'completed', renders: 1, produced: 1 });
    }
    // The render that was running when the worker died ran again on the new worker.
    for (const id of killedRenders) expect(result.videos.find((v) => v.id === id)!.renderAttempts).toBeGreaterThanOrEqual(2);
    expect(scratchLeftovers(stack.dataDir)).toEqual([]);
    expect(result.strayProcesses).toEqual([]);
    expect(result.cache.corrupt).toEqual([]);
  });
});
