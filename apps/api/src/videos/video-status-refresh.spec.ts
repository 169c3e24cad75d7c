import type { Client } from '@temporalio/client';
import type { ArtifactCache } from '@vidflow/cache';
import { loadConfig } from '@vidflow/config';
import { initialStages, type VideoProgress } from '@vidflow/contracts';
import { TemporalGateway } from '../temporal/temporal-gateway';
import { WebhooksService } from '../webhooks/webhooks.service';
import { MediaService } from '../media/media.service';
import type { UploadsService } from '../uploads/uploads.service';
import { VoicesService } from '../voices/voices.service';
import { LocalObjectStore, type ObjectStore } from '@vidflow/activities/object-store';
import { VideosService } from './videos.service';

/**
 * STATUS_REFRESH_MS (issue #18): however many readers, a running video costs one Temporal query per interval,
 * and its close reaches every reader at once. A fake Temporal client counts the calls; Date.now is the test's.
 */
describe('VideosService status reads under STATUS_REFRESH_MS', () => {
  const running: VideoProgress = {
    stage: 'render',
    progress: 0.5,
    cacheHit: false,
    stages: { ...initialStages(), script: { status: 'completed', cacheHit: false }, render: { status: 'running', progress: 0.5, attempt: 1, cacheHit: false } },
  };
  const finished: VideoProgress = {
    ...running,
    stage: 'done',
    progress: 1,
    stages: { ...running.stages, render: { status: 'completed', progress: 1, attempt: 1, cacheHit: false } },
    result: { path: 'videos/vid-a.mp4', durationSeconds: 3, width: 1080, height: 1920, bytes: 11 },
  };

  let now = 1_000_000;
  beforeEach(() => jest.spyOn(Date, 'now').mockImplementation(() => now));
  afterEach(() => jest.restoreAllMocks());

  function stack(refreshMs: string) {
    const calls = { describe: 0, query: 0, result: 0, closeWatches: 0 };
    let status: 'RUNNING' | 'COMPLETED' = 'RUNNING';
    let close!: () => void;
    const closed = new Promise<void>((resolve) => (close = resolve));
    const client = {
      workflow: {
        getHandle: (_id: string, runId?: string) => ({
          describe: async () => {
            calls.describe++;
            return { status: { name: status }, runId: 'run-1', startTime: new Date(), raw: { pendingActivities: [] }, typedSearchAttributes: { get: () => undefined } };
          },
          query: async () => {
            calls.query++;
            return running;
          },
          result: async () => {
            // The close watch long-polls the run by its id; the status path asks the finished run's result.
            if (runId) {
              calls.closeWatches++;
              await closed;
            } else calls.result++;
            return finished;
          },
        }),
      },
      withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn(),
      withAbortSignal: (_signal: AbortSignal, fn: () => Promise<unknown>) => fn(),
    } as unknown as Client;
    const config = loadConfig({ STATUS_REFRESH_MS: refreshMs, DATA_DIR: '/tmp/vidflow-refresh-unused' });
    const gateway = new TemporalGateway(config, client);
    const videos = new VideosService(config, gateway, {} as ArtifactCache, new WebhooksService(config, gateway), new MediaService(config, gateway, {} as UploadsService), new VoicesService(new LocalObjectStore(config.dataDir)), {} as ObjectStore);
    const end = async () => {
      status = 'COMPLETED';
      close();
      // Let the close watch's promise chain run.
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    };
    return { videos, calls, end };
  }

  const readers = (videos: VideosService, n: number) => Promise.all(Array.from({ length: n }, () => videos.get('vid-a')));

  it('asks Temporal once per interval for a hundred readers, over five intervals', async () => {
    const { videos, calls } = stack('250');
    for (let interval = 0; interval < 5; interval++) {
      for (let step = 0; step < 5; step++) {
        const views = await readers(videos, 20);
        expect(new Set(views.map((v) => v.status))).toEqual(new Set(['running']));
        now += 40; // 5 x 40 ms = 200 ms inside the interval
      }
      now += 50; // the next interval
    }
    expect(calls.query).toBe(5);
    expect(calls.describe).toBe(5);
    // One close watch for the run, however many reads.
    expect(calls.closeWatches).toBe(1);
    videos.onModuleDestroy();
  });

  it('with STATUS_REFRESH_MS=0, concurrent readers share a read but later ones ask again', async () => {
    const { videos, calls } = stack('0');
    await readers(videos, 20);
    await readers(videos, 20);
    expect(calls.query).toBe(2);
    videos.onModuleDestroy();
  });

  it('answers the terminal status as soon as the run closes, inside the interval', async () => {
    const { videos, calls, end } = stack('250');
    expect((await videos.get('vid-a')).status).toBe('running');
    now += 10;
    expect((await videos.get('vid-a')).status).toBe('running');
    expect(calls.describe).toBe(1);
    await end(); // no clock movement: the remembered `running` must not be served any more
    const after = await readers(videos, 10);
    expect(after.map((v) => v.status)).toEqual(Array(10).fill('completed'));
    expect(calls.describe).toBe(2);
    expect(calls.result).toBe(1);
  });

  it('tells close listeners (event streams) when a watched run closes', async () => {
    const { videos, end } = stack('250');
    const closedIds: string[] = [];
    videos.reads.onClose((id) => closedIds.push(id));
    await videos.get('vid-a');
    expect(closedIds).toEqual([]);
    await end();
    expect(closedIds).toEqual(['vid-a']);
  });
});
