import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidCacheInputError } from './cache-errors';
import { openCache } from './open-cache';

describe('openCache', () => {
  const settings = { maxBytes: 1_000_000, ttlSeconds: 60, evictTo: 0.9 };
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'vidflow-open-cache-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('refuses files in the bucket without an object store, naming the setting', async () => {
    await expect(openCache({ ...settings, dir, files: 'bucket' })).rejects.toThrow(InvalidCacheInputError);
    await expect(openCache({ ...settings, dir, files: 'bucket' })).rejects.toThrow(/ARTIFACT_STORE=s3/);
  });

  it('keeps local files under dir when told so, even when given an object store', async () => {
    const unused = { putFile: jest.fn(), stat: jest.fn(), download: jest.fn(), remove: jest.fn(), list: jest.fn() };
    const cache = await openCache({ ...settings, dir, files: 'local' }, unused);
    await cache.put({ stage: 'script', key: 'a'.repeat(64), value: 1 });
    expect((await cache.get('script', 'a'.repeat(64)))?.value).toBe(1);
    await cache.close();
    expect(unused.putFile).not.toHaveBeenCalled();
    expect(unused.stat).not.toHaveBeenCalled();
  });
});
