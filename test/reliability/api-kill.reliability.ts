import type { BatchStatusView, VideoStatusView } from '@vidflow/contracts';
import { batchFigures, runBatchUnderFault, scratchLeftovers, shortVideo, waitForVideoDone } from '../support/batch-under-fault';
import { useProcessStack } from '../support/process-stack';
import { recordResults } from '../support/reliability-results';

/**
 * Scenario 2: the API is SIGKILLed mid-batch, just after accepting a video, and started again. The API keeps
 * no state of its own (everything is in Temporal and DATA_DIR), so nothing is lost and the restarted API
 * answers status and download requests with its very first response.
 */
describe('reliability: API killed mid-batch', () => {
  const stackOf = useProcessStack({ basePort: 7620 });

  it('loses nothing, and answers status and downloads at once after its restart', async () => {
    const stack = stackOf();
    let acceptedBeforeKill = '';
    let firstAnswers: Record<string, number> = {};
    const result = await runBatchUnderFault(stack, {
      tag: 'API kill',
      size: 20,
      maxConcurrent: 4,
      inject: async ({ batchId }) => {
        // A video accepted (202) a moment before the API dies must still be made.
        const accepted = await stack.post<{ id: string }>('/api/videos', shortVideo('Accepted before the kill', 0));
        expect(accepted.status).toBe(202);
        acceptedBeforeKill = accepted.body.id;
        await stack.api.kill('SIGKILL');
        const killedAt = Date.now();
        // The batch goes on without an API: the worker and Temporal do the work.
        await new Promise((r) => setTimeout(r, 3000));
        await stack.startApi();
        const downSeconds = (Date.now() - killedAt) / 1000;
        // The very first requests after the restart, no retries: status of the batch, of a finished video, its file.
        const batch = await stack.get<BatchStatusView>(`/api/batches/${batchId}?limit=1000`);
        const done = batch.body.items.find((i) => i.status === 'completed')!;
        const video = await stack.get<VideoStatusView>(`/api/videos/${done.videoId}`);
        const file = await fetch(`${stack.apiUrl}/api/videos/${done.videoId}/file`);
        const bytes = (await file.arrayBuffer()).byteLength;
        firstAnswers = { batchStatus: batch.status, videoStatus: video.status, download: file.status };
        expect(firstAnswers).toEqual({ batchStatus: 200, videoStatus: 200, download: 200 });
        expect(video.body.status).toBe('completed');
        expect(bytes).toBe(video.body.result!.bytes);
        return { signal: 'SIGKILL', apiKills: 1, apiStarts: stack.api.starts, apiDownSeconds: downSeconds, firstAnswersAfterRestart: firstAnswers, completedAtRestart: batch.body.completed };
      },
    });
    const accepted = await waitForVideoDone(stack, acceptedBeforeKill);
    recordResults('2-api-sigkill', { ...batchFigures(result), acceptedJustBeforeKill: accepted.status });

    expect(accepted.status).toBe('completed');
    expect(result.batch).toMatchObject({ status: 'completed', total: 20, completed: 20, failed: 0, cancelled: 0 });
    for (const video of result.videos) expect(video).toMatchObject({ status: 'completed', renders: 1, produced: 1 });
    expect(stack.worker.starts).toBe(1);
    expect(scratchLeftovers(stack.dataDir)).toEqual([]);
    expect(result.strayProcesses).toEqual([]);
    expect(result.cache.corrupt).toEqual([]);
  });
});
