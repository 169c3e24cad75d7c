import type { VideoStatusView } from '@vidflow/contracts';
import { join } from 'node:path';
import { auditCache } from '../support/cache-audit';
import { checkDelivered, getOk, scratchLeftovers, shortVideo, watchPlacements } from '../support/batch-under-fault';
import { type MemorySample, type StackProcess, useProcessStack } from '../support/process-stack';
import { recordResults } from '../support/reliability-results';

const VIDEOS = 200;
const RESTART_EVERY_MS = 30_000;
/** Videos submitted and not yet finished at any moment. */
const IN_FLIGHT = 20;
const MiB = 1024 * 1024;

/**
 * Scenario 8: a soak. 200 short videos through the API, 20 in flight at a time, while the worker is restarted
 * (SIGTERM, then a new one) every 30 s. All must complete, each produced once, and the worker's memory must stay flat: the peak
 * resident set of its later lives no higher than that of its early ones (a leak that grows with the videos
 * done, or with the workflows Temporal has to replay onto a fresh worker, would show).
 */
describe('reliability: soak with worker restarts', () => {
  const stackOf = useProcessStack({ basePort: 7680, env: { RATE_LIMIT_PER_SECOND: '0' } });

  it('completes 200 videos with flat worker memory', async () => {
    const stack = stackOf();
    const placements = watchPlacements(join(stack.dataDir, 'videos'));
    const lives: Array<{ startedAt: number; peakRssMiB: number; lastRssMiB: number; videosDoneAtEnd: number }> = [];
    const api = { firstRssMiB: 0, peakRssMiB: 0, lastRssMiB: 0 };
    const mib = (b: number) => Math.round((b / MiB) * 10) / 10;
    let last: MemorySample | undefined;
    const sample = (p: StackProcess) => p.memory();
    try {
      // A steady load: IN_FLIGHT videos at a time, a new one submitted as soon as one finishes, so every
      // life of the worker sees the same amount of work and their memory can be compared.
      const ids: string[] = [];
      const inFlight = new Set<string>();
      const finished = new Map<string, VideoStatusView>();
      let polls = 0;
      let lifeStart = Date.now();
      let restarts = 0;
      const deadline = Date.now() + 25 * 60_000;
      while ((ids.length < VIDEOS || inFlight.size > 0) && Date.now() < deadline) {
        while (inFlight.size < IN_FLIGHT && ids.length < VIDEOS) {
          const res = await stack.post<{ id: string }>('/api/videos', shortVideo('Soak', ids.length));
          expect(res.status).toBe(202);
          ids.push(res.body.id);
          inFlight.add(res.body.id);
        }
        await Promise.all(
          [...inFlight].map(async (id) => {
            polls++;
            const status = await getOk<VideoStatusView>(stack, `/api/videos/${id}`);
            if (status && ['completed', 'failed', 'cancelled'].includes(status.status)) {
              inFlight.delete(id);
              finished.set(id, status);
            }
          }),
        );
        last = sample(stack.worker) ?? last;
        const apiNow = sample(stack.api);
        if (apiNow) {
          api.firstRssMiB ||= mib(apiNow.rssBytes);
          api.peakRssMiB = mib(apiNow.peakRssBytes);
          api.lastRssMiB = mib(apiNow.rssBytes);
        }
        if (inFlight.size > 0 && Date.now() - lifeStart >= RESTART_EVERY_MS) {
          const end = sample(stack.worker) ?? last!;
          lives.push({ startedAt: lifeStart, peakRssMiB: mib(end.peakRssBytes), lastRssMiB: mib(end.rssBytes), videosDoneAtEnd: finished.size });
          await stack.worker.stop();
          await stack.startWorker();
          restarts++;
          lifeStart = Date.now();
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      const pending = VIDEOS - finished.size;
      const end = sample(stack.worker) ?? last!;
      lives.push({ startedAt: lifeStart, peakRssMiB: mib(end.peakRssBytes), lastRssMiB: mib(end.rssBytes), videosDoneAtEnd: finished.size });

      const outcomes = [...finished.values()].reduce<Record<string, number>>((acc, s) => ((acc[s.status] = (acc[s.status] ?? 0) + 1), acc), {});
      const delivered = await checkDelivered(stack, ids.filter((id) => finished.get(id)?.status === 'completed'), placements);
      const full = lives.slice(0, -1); // the last life ends with the work, not after 30 s
      const half = Math.max(1, Math.floor(full.length / 2));
      const early = Math.max(...full.slice(0, half).map((l) => l.peakRssMiB));
      const late = Math.max(...full.slice(half).map((l) => l.peakRssMiB));
      const cache = await auditCache(join(stack.dataDir, 'cache'));
      recordResults('8-soak', {
        videos: VIDEOS,
        inFlight: IN_FLIGHT,
        requests: { posts: ids.length, statusPolls: polls },
        outcomes,
        notFinished: pending,
        workerRestarts: restarts,
        restartSignal: 'SIGTERM',
        renderRetries: delivered.reduce((s, v) => s + v.renderAttempts - 1, 0),
        activityRetries: delivered.reduce((s, v) => s + v.retries, 0),
        maxProducedPerVideo: Math.max(...delivered.map((v) => v.produced)),
        workerPeakRssMiB: { max: Math.max(...lives.map((l) => l.peakRssMiB)), earlyHalfMax: early, lateHalfMax: late, perLife: lives.map((l) => l.peakRssMiB) },
        workerLives: lives.map((l) => ({ peakRssMiB: l.peakRssMiB, videosDoneAtEnd: l.videosDoneAtEnd })),
        apiRssMiB: api,
        cache: { entries: cache.entries, corrupt: cache.corrupt.length },
      });

      expect(pending).toBe(0);
      expect(outcomes).toEqual({ completed: VIDEOS });
      for (const v of delivered) expect(v).toMatchObject({ status: 'completed', renders: 1, produced: 1 });
      expect(restarts).toBeGreaterThanOrEqual(3);
      // Flat: the later lives peak no more than half as high again as the early ones.
      expect(late).toBeLessThanOrEqual(early * 1.5);
      expect(scratchLeftovers(stack.dataDir)).toEqual([]);
      expect(cache.corrupt).toEqual([]);
    } finally {
      placements.close();
    }
  });
});
