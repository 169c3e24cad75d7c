import type { ArtifactCache } from '@vidflow/cache';
import { S3ObjectStore } from '@vidflow/activities';
import { loadConfig } from '@vidflow/config';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { s3Env, startSeaweed, type SeaweedServer } from '../../../test/support/seaweedfs';
import { cacheProvider } from './cache.provider';

/** With ARTIFACT_STORE=s3 the worker opens the cache with its files in the bucket; with local, under CACHE_DIR. */
jest.setTimeout(120_000);

describe('worker cache provider', () => {
  let seaweed: SeaweedServer;
  let dataDir: string;
  const open = (env: Record<string, string>): Promise<ArtifactCache> =>
    (cacheProvider as { useFactory: (config: ReturnType<typeof loadConfig>) => Promise<ArtifactCache> }).useFactory(loadConfig({ DATA_DIR: dataDir, ...env }));

  beforeAll(async () => {
    seaweed = await startSeaweed();
    dataDir = await mkdtemp(join(tmpdir(), 'vidflow-worker-bucket-'));
  });
  afterAll(async () => {
    await seaweed?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the files in the bucket with ARTIFACT_STORE=s3, and none there without', async () => {
    const file = join(dataDir, 'scene.wav');
    await writeFile(file, Buffer.alloc(5000, 1));
    const s3 = new S3ObjectStore(seaweed.config);
    const listed = async (): Promise<number> => {
      let n = 0;
      for await (const _object of s3.list('cache/')) n++;
      return n;
    };

    const local = await open({ CACHE_DIR: join(dataDir, 'local-cache') });
    await local.put({ stage: 'tts', key: 'c'.repeat(64), value: 1, files: { audio: file } });
    await local.close();
    expect(await listed()).toBe(0);

    const bucket = await open({ ...s3Env(seaweed), CACHE_DIR: join(dataDir, 'bucket-cache') });
    await bucket.put({ stage: 'tts', key: 'd'.repeat(64), value: 1, files: { audio: file } });
    const hit = await bucket.get('tts', 'd'.repeat(64));
    await bucket.close();
    expect(await listed()).toBe(1);
    expect(hit?.files.audio?.startsWith(join(dataDir, 'bucket-cache', 'remote') + '/')).toBe(true);
    s3.client.destroy();
  });
});
