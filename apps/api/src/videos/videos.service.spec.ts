import { Logger } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { ArtifactCache, CacheHit } from '@vidflow/cache';
import { loadConfig } from '@vidflow/config';
import { initialStages, type VideoProgress, type VideoWorkflowInput } from '@vidflow/contracts';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TemporalGateway } from '../temporal/temporal-gateway';
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
    return { videos: new VideosService(config, new TemporalGateway(config, client), cache), starts };
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
