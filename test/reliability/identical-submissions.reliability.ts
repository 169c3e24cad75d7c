import type { VideoStatusView } from '@vidflow/contracts';
import { join } from 'node:path';
import { SMALL_HEIGHT, waitForVideoDone, watchPlacements } from '../support/batch-under-fault';
import { ffprobe } from '../support/ffprobe';
import { useProcessStack } from '../support/process-stack';
import { sumSamples } from '../support/prometheus-text';
import { recordResults } from '../support/reliability-results';

const SUBMISSIONS = 100;

/**
 * Scenario 7: 100 identical requests at the same moment. Identical requests share one workflow while it runs
 * (a content-derived id, USE_EXISTING), and a repeat that arrives after it finished is answered by the
 * pipeline cache; either way exactly one render may run, and every one of the 100 answers must reach
 * `completed` with a playable file.
 */
describe('reliability: identical submissions at once', () => {
    // Rate limiting is not what this scenario is about: with it on, the burst of 100 would be the limit itself.
  const stackOf = useProcessStack({ basePort: 7670, env: { RATE_LIMIT_PER_SECOND: '0' } });

  it('renders once and answers all 100', async () => {
    const stack = stackOf();
    const body = { script: 'One hundred people asked for this. It was made once.', render: { height: SMALL_HEIGHT } };
    const placements = watchPlacements(join(stack.dataDir, 'videos'));
    let answers: Array<{ status: number; body: { id: string } }>;
    try {
      answers = await Promise.all(Array.from({ length: SUBMISSIONS }, () => stack.post<{ id: string }>('/api/videos', body)));
      const ids = [...new Set(answers.map((a) => a.body.id))];
      const finals = new Map<string, VideoStatusView>();
      for (const id of ids) finals.set(id, await waitForVideoDone(stack, id));
      // Each of the 100 answers, asked for its status and its file.
      const statuses = await Promise.all(answers.map((a) => stack.get<VideoStatusView>(`/api/videos/${a.body.id}`)));
      const downloads = await Promise.all(answers.map(async (a) => (await fetch(`${stack.apiUrl}/api/videos/${a.body.id}/file`)).status));
      const metrics = await stack.workerMetrics();
      const renders = {
        completed: sumSamples(metrics, 'vidflow_activity_duration_seconds_count', { activity: 'renderVideo', outcome: 'completed' }),
        failedOrCancelled:
          sumSamples(metrics, 'vidflow_activity_duration_seconds_count', { activity: 'renderVideo', outcome: 'failed' }) +
          sumSamples(metrics, 'vidflow_activity_duration_seconds_count', { activity: 'renderVideo', outcome: 'cancelled' }),
        cacheMisses: sumSamples(metrics, 'vidflow_cache_misses_total', { stage: 'render' }),
        cacheHits: sumSamples(metrics, 'vidflow_cache_hits_total', { stage: 'render' }),
      };
      const produced = [...placements.rendered.values()].reduce((a, b) => a + b, 0);
      recordResults('7-identical-submissions', {
        requests: SUBMISSIONS,
        accepted: answers.filter((a) => a.status === 202).length,
        distinctIds: ids.length,
        completedAnswers: statuses.filter((s) => s.status === 200 && s.body.status === 'completed').length,
        downloadsOk: downloads.filter((s) => s === 200).length,
        renderActivities: renders,
        filesProducedByRender: produced,
        filesPlacedFromCache: [...placements.fromCache.values()].reduce((a, b) => a + b, 0),
        workflowRunsAnsweredFromPipelineCache: [...finals.values()].filter((s) => s.cacheHit).length,
      });

      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 202));
      expect(statuses.map((s) => s.body.status)).toEqual(answers.map(() => 'completed'));
      expect(downloads).toEqual(answers.map(() => 200));
      // Exactly one render did the work, on the only worker (so its metrics saw every attempt).
      expect(renders).toEqual({ completed: 1, failedOrCancelled: 0, cacheMisses: 1, cacheHits: 0 });
      expect(produced).toBe(1);
      for (const id of ids) {
        const probe = ffprobe(join(stack.dataDir, 'videos', `${id}.mp4`));
        expect(probe).toMatchObject({ video: { codec: 'h264', height: SMALL_HEIGHT }, audio: { codec: 'aac' } });
      }
    } finally {
      placements.close();
    }
  });
});
