import { Logger } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { ArtifactCache, CacheHit } from '@vidflow/cache';
import { loadConfig } from '@vidflow/config';
import { initialStages, type VideoProgress, type VideoWorkflowInput } from '@vidflow/contracts';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TemporalGateway } from '../temporal/temporal-gateway';
import { WebhooksService } from '../webhooks/webhooks.service';
import { MediaService } from '../media/media.service';
import type { UploadsService } from '../uploads/uploads.service';
import { VoicesService } from '../voices/voices.service';
import { LocalObjectStore, type ObjectStore } from '@vidflow/activities/object-store';
import { NotFoundError } from '../common/api-errors';
import { VideosService } from './videos.service';

/**
 * How a POST of cache mode `use` meets the pipeline cache, with a fake Temporal client (what was started, with
 * which input) and a fake cache (a hit, a miss, or a lookup that never answers).
 */
describe('VideosService.create and the pipeline cache', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'vidflow-videos-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  function service(get: ArtifactCache['get']) {
    const starts: Array<{ workflowId: string; input: VideoWorkflowInput }> = [];
    const client = {
      workflow: {
        start: jest.fn(async (_type: string, o: { workflowId: string; args: [VideoWorkflowInput] }) => {
          starts.push({ workflowId: o.workflowId, input: o.args[0] });
        }),
        getHandle: () => ({ result: async () => ({}) }),
      },
      withAbortSignal: (_signal: AbortSignal, fn: () => Promise<unknown>) => fn(),
    } as unknown as Client;
    const cache = { get } as unknown as ArtifactCache;
    const config = loadConfig({ DATA_DIR: dataDir });
    const gateway = new TemporalGateway(config, client);
    return { videos: new VideosService(config, gateway, cache, new WebhooksService(config, gateway), new MediaService(config, gateway, {} as UploadsService), new VoicesService(new LocalObjectStore(config.dataDir)), {} as ObjectStore), starts };
  }

  const finished = (path: string): VideoProgress => ({
    stage: 'done',
    progress: 1,
    cacheHit: false,
    stages: initialStages(),
    result: { path, durationSeconds: 3, width: 1080, height: 1920, bytes: 11 },
  });

  it('a hit: the MP4 is placed at a new id, whose run is started with the hit and answered completed', async () => {
    const cached = join(dataDir, 'cached.mp4');
    writeFileSync(cached, 'mp4 content');
    const hit = { value: { progress: finished('videos/vid-earlier.mp4') }, files: { video: cached } } as unknown as CacheHit;
    const { videos, starts } = service(async () => hit as never);

    const created = await videos.create({ script: 'Seen before.' });
    expect(created.status).toBe('completed');
    expect(starts).toHaveLength(1);
    expect(starts[0]!.workflowId).toBe(created.id);
    // The API only reads: the run gets what was found, and the worker places the file.
    expect(starts[0]!.input.pipelineCache).toEqual({ found: { progress: finished('videos/vid-earlier.mp4'), videoFile: cached } });
    expect(existsSync(join(dataDir, 'videos'))).toBe(false);
    expect(readFileSync(cached, 'utf8')).toBe('mp4 content');
  });

  it('a lookup that fails is logged once and left to the run, which looks the request up itself', async () => {
    const { videos, starts } = service(async () => {
      throw new Error('database is down');
    });
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const created = await videos.create({ script: 'The cache is broken.' });
      expect(created.status).toBe('queued');
      expect(starts).toHaveLength(1);
      expect(starts[0]!.input).not.toHaveProperty('pipelineCache');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toMatchObject({ msg: expect.stringContaining('lookup failed'), error: 'database is down' });
    } finally {
      warn.mockRestore();
    }
  });

  it('a miss: the run under the content-derived id is told not to look again', async () => {
    const { videos, starts } = service(async () => undefined);
    const created = await videos.create({ script: 'Never seen.' });
    expect(created.status).toBe('queued');
    expect(starts).toHaveLength(1);
    expect(starts[0]!.input.pipelineCache).toEqual({});
    // The same request again (its run still going) names the same run.
    expect((await videos.create({ script: 'Never seen.' })).id).toBe(created.id);
  });

  it('a lookup that does not answer in time is left to the workflow, and the POST goes on', async () => {
    const { videos, starts } = service(() => new Promise(() => undefined));
    // This lookup never answers: without the budget the POST would never answer either.
    const created = await videos.create({ script: 'The cache is stuck.' });
    expect(created.status).toBe('queued');
    expect(starts).toHaveLength(1);
    expect(starts[0]!.input).not.toHaveProperty('pipelineCache');
    expect(existsSync(join(dataDir, 'videos'))).toBe(false);
  });

  it('modes other than use start the run without asking the cache', async () => {
    const get = jest.fn(async () => undefined);
    const { videos, starts } = service(get);
    await videos.create({ script: 'Fresh, please.', cache: { mode: 'refresh' } });
    expect(get).not.toHaveBeenCalled();
    expect(starts[0]!.input).not.toHaveProperty('pipelineCache');
  });
});

/**
 * Which run a status read answers, with a fake gateway whose current run the test changes as an operator would
 * (`temporal workflow reset` makes a new run under the same id; `terminate` closes one from outside).
 */
describe('VideosService.get follows the current run', () => {
  const done = (bytes: number): VideoProgress => ({
    stage: 'done',
    progress: 1,
    cacheHit: false,
    stages: initialStages(),
    result: { path: `videos/vid-a.mp4`, durationSeconds: 3, width: 1080, height: 1920, bytes },
  });
  function rendering(): VideoProgress {
    const stages = initialStages();
    stages.script.status = 'completed';
    stages.tts = { status: 'completed', done: 2, total: 2, cacheHits: 0 };
    stages.render = { status: 'running', progress: 0, attempt: 0, cacheHit: false };
    return { stage: 'render', progress: 0.3, stages, cacheHit: false };
  }

  function service() {
    const run = { runId: 'run-1', status: 'COMPLETED', render: undefined as { progress: number; attempt: number } | undefined };
    const results = new Map<string, VideoProgress>([['run-1', done(111)]]);
    const calls: string[] = [];
    const gateway = {
      describe: async () => {
        calls.push('describe');
        return { status: run.status, runId: run.runId, startTime: new Date(0), hasStartedActivity: true, render: run.render, stage: 'render', memo: async () => undefined };
      },
      result: async () => {
        calls.push('result');
        return results.get(run.runId);
      },
      queryVideo: async () => {
        calls.push('query');
        return rendering();
      },
      // The close watch of a running run: it never reports a close here.
      waitForClose: () => new Promise<boolean>(() => undefined),
      outcome: async () => {
        calls.push('outcome');
        return { status: 'failed', type: 'Terminated', message: 'by operator', closedBy: 'operator' };
      },
    } as unknown as TemporalGateway;
    // Every read asks Temporal (STATUS_REFRESH_MS=0): these tests change the run between two reads.
    const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'vidflow-videos-')), STATUS_REFRESH_MS: '0' });
    return { videos: new VideosService(config, gateway, {} as ArtifactCache, new WebhooksService(config, gateway), new MediaService(config, gateway, {} as UploadsService), new VoicesService(new LocalObjectStore(config.dataDir)), {} as ObjectStore), run, results, calls };
  }

  it('after a reset of a completed video, the new run is answered, not the remembered one', async () => {
    const { videos, run, results, calls } = service();
    expect((await videos.get('vid-a')).result?.bytes).toBe(111);
    expect((await videos.get('vid-a')).result?.bytes).toBe(111);
    // The second read asked only which run is current: the completed status came from memory.
    expect(calls).toEqual(['describe', 'result', 'describe']);

    Object.assign(run, { runId: 'run-2', status: 'RUNNING', render: { progress: 0.5, attempt: 1 } });
    const reset = await videos.get('vid-a');
    expect(reset).toMatchObject({ status: 'running', stage: 'render', stages: { render: { progress: 0.5 } } });
    expect(reset).not.toHaveProperty('result');

    Object.assign(run, { status: 'COMPLETED', render: undefined });
    results.set('run-2', done(222));
    expect((await videos.get('vid-a')).result?.bytes).toBe(222);
  });

  it('terminated mid-render: failed, Terminated in stage render, no stage running, the render progress seen kept', async () => {
    const { videos, run } = service();
    Object.assign(run, { status: 'RUNNING', render: { progress: 0.8, attempt: 1 } });
    expect((await videos.get('vid-a')).stages.render.progress).toBe(0.8);
    Object.assign(run, { status: 'TERMINATED', render: undefined });
    const view = await videos.get('vid-a');
    expect(view).toMatchObject({ status: 'failed', stage: 'render', error: { type: 'Terminated', message: 'by operator', stage: 'render' } });
    expect(view.stages.render).toMatchObject({ status: 'failed', progress: 0.8 });
    expect(Object.values(view.stages).map((s) => s.status)).not.toContain('running');
    await expect(videos.file('vid-a')).rejects.toThrow('is failed');
  });
});

describe('VideosService.purge and the thumbnail', () => {
  function service(status: string) {
    const dataDir = mkdtempSync(join(tmpdir(), 'vidflow-purge-'));
    mkdirSync(join(dataDir, 'videos'));
    for (const name of ['vid-a.mp4', 'vid-a.jpg', 'vid-b.mp4']) writeFileSync(join(dataDir, 'videos', name), name);
    const deleted: string[] = [];
    const run = { status };
    const gateway = {
      describe: async (_kind: string, id: string) => {
        if (deleted.includes(id)) throw new NotFoundError(`video ${id} not found`);
        return { status: run.status, runId: 'run-1', startTime: new Date(0), hasStartedActivity: true, stage: 'done', memo: async () => undefined };
      },
      result: async () => ({ stage: 'done', progress: 1, cacheHit: false, stages: initialStages(), result: { path: 'videos/vid-a.mp4', durationSeconds: 1, width: 2, height: 2, bytes: 9 } }),
      waitForClose: () => new Promise<boolean>(() => undefined),
      deleteRun: async (id: string) => void deleted.push(id),
    } as unknown as TemporalGateway;
    const config = loadConfig({ DATA_DIR: dataDir, STATUS_REFRESH_MS: '60000' });
    const objects = new LocalObjectStore(dataDir);
    const videos = new VideosService(config, gateway, {} as ArtifactCache, new WebhooksService(config, gateway), new MediaService(config, gateway, {} as UploadsService), new VoicesService(new LocalObjectStore(config.dataDir)), objects);
    return { videos, dataDir, deleted, run };
  }

  it('links the poster frame of a completed video, and the thumbnail is its JPEG beside the MP4', async () => {
    const { videos } = service('COMPLETED');
    expect((await videos.get('vid-a')).result?.thumbnail).toBe('/api/videos/vid-a/thumbnail');
    await expect(videos.thumbnailKey('vid-a')).resolves.toBe('videos/vid-a.jpg');
  });

  it('deletes a finished video: its MP4, its poster and its run; the id is unknown afterwards, even to a remembered read', async () => {
    const { videos, dataDir, deleted } = service('COMPLETED');
    await videos.get('vid-a'); // remembered for STATUS_REFRESH_MS
    await videos.purge('vid-a');
    expect(deleted).toEqual(['vid-a']);
    expect(existsSync(join(dataDir, 'videos', 'vid-a.mp4'))).toBe(false);
    expect(existsSync(join(dataDir, 'videos', 'vid-a.jpg'))).toBe(false);
    expect(existsSync(join(dataDir, 'videos', 'vid-b.mp4'))).toBe(true);
    await expect(videos.get('vid-a')).rejects.toThrow(NotFoundError);
  });

  it('refuses to delete a running video (cancel it first), and deletes a failed one that has no file', async () => {
    const { videos, deleted, run } = service('RUNNING');
    await expect(videos.purge('vid-a')).rejects.toThrow(/is running; cancel it first/);
    expect(deleted).toEqual([]);
    run.status = 'FAILED';
    await videos.purge('vid-c');
    expect(deleted).toEqual(['vid-c']);
  });
});
