import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ArtifactCache } from '@vidflow/cache';
import { S3ObjectStore } from '@vidflow/activities/object-store';
import { loadConfig } from '@vidflow/config';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { s3Env, startSeaweed, type SeaweedServer } from '../../../../test/support/seaweedfs';
import { createApp } from '../create-app';
import { CACHE } from '../tokens';

/** With ARTIFACT_STORE=s3 the API opens the cache with its files in the bucket (SeaweedFS started here). */
jest.setTimeout(120_000);

describe('API cache with ARTIFACT_STORE=s3', () => {
  let seaweed: SeaweedServer;
  let app: NestExpressApplication;
  let dataDir: string;
  let s3: S3ObjectStore;

  beforeAll(async () => {
    seaweed = await startSeaweed();
    s3 = new S3ObjectStore(seaweed.config);
    dataDir = await mkdtemp(join(tmpdir(), 'vidflow-api-bucket-'));
    const config = loadConfig({ DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:1', ...s3Env(seaweed) });
    app = await createApp(config, { logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    s3?.client.destroy();
    await seaweed?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function cacheObjects(): Promise<string[]> {
    const keys: string[] = [];
    for await (const object of s3.list('cache/')) keys.push(object.key);
    return keys;
  }

  it('puts entry files in the bucket under cache/, reports them and removes them through /api/cache', async () => {
    const cache = app.get<ArtifactCache>(CACHE);
    const key = 'b'.repeat(64);
    const file = join(dataDir, 'render.mp4');
    await writeFile(file, Buffer.alloc(20_000, 9));
    await cache.put({ stage: 'render', key, value: {}, files: { video: file } });
    expect(await cacheObjects()).toEqual([expect.stringMatching(new RegExp(`^cache/bb/${key}/[0-9a-f]{32}/video$`))]);
    // The cache directory holds no copy of it: nothing was read back yet, and the file itself went to the bucket.
    expect(await readdir(join(dataDir, 'cache', 'blobs')).catch(() => [])).toEqual([]);

    const stats = await request(app.getHttpServer()).get('/api/cache/stats').expect(200);
    expect(stats.body.byStage.render).toMatchObject({ entries: 1, bytes: 20_002 });
    await request(app.getHttpServer()).delete(`/api/cache/entries/${key}`).expect(200);
    expect(await cacheObjects()).toEqual([]);
  });
});
