import { appendFile, copyFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BucketBlobStore, objectRef, parseObjectRef, type CacheObjectStat, type CacheObjectStore } from './bucket-blob-store';
import { CacheStoreError, InvalidCacheInputError } from './cache-errors';

/**
 * The bucket blob store's own failure rules against an in-memory object store (the real one, on SeaweedFS, is in
 * libs/activities/src/adapters/artifact-store/bucket-cache.int.spec.ts).
 */
class MemoryObjects implements CacheObjectStore {
  readonly objects = new Map<string, { file: string; stat: CacheObjectStat }>();
  keepMetadata = true;
  /** How long ago the objects put from now on were written. */
  age = 0;
  /** Runs between reading the source and finishing the upload (a producer still writing). */
  duringUpload?: (file: string) => Promise<void>;
  private n = 0;

  constructor(private readonly dir: string) {}

  async putFile(key: string, file: string, options: { metadata: Record<string, string> }): Promise<void> {
    const copy = join(this.dir, `object-${this.n++}`);
    await copyFile(file, copy);
    await this.duringUpload?.(file);
    const { size } = await stat(copy);
    this.objects.set(key, { file: copy, stat: { bytes: size, modifiedMs: Date.now() - this.age, etag: `"${this.n}"`, metadata: this.keepMetadata ? options.metadata : {} } });
  }
  async stat(key: string): Promise<CacheObjectStat | undefined> {
    return this.objects.get(key)?.stat;
  }
  async download(key: string, file: string): Promise<boolean> {
    const object = this.objects.get(key);
    if (!object) return false;
    await copyFile(object.file, file);
    return true;
  }
  async remove(key: string): Promise<void> {
    this.objects.delete(key);
  }
  async *list(prefix: string): AsyncIterable<{ key: string }> {
    for (const key of [...this.objects.keys()]) if (key.startsWith(prefix)) yield { key };
  }
}

describe('BucketBlobStore', () => {
  const key = 'e'.repeat(64);
  let dir: string;
  let objects: MemoryObjects;
  let store: BucketBlobStore;
  let source: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vidflow-bucket-blobs-'));
    objects = new MemoryObjects(dir);
    store = new BucketBlobStore({ dir: join(dir, 'cache'), objects });
    source = join(dir, 'video.mp4');
    await writeFile(source, Buffer.alloc(1000, 3));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('stores objects under cache/<key[0..2]>/<key>/<id>/<name> with their sha256 and the ETag after upload', async () => {
    const stored = await store.write({ key, id: 'id1', files: { video: source } });
    expect([...objects.objects.keys()].sort()).toEqual([`cache/ee/${key}/id1/video`, `cache/pending/${key}/id1`]);
    await store.committed(key, 'id1');
    expect([...objects.objects.keys()]).toEqual([`cache/ee/${key}/id1/video`]);
    expect(stored.video).toEqual({ size: 1000, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), etag: '"2"' });
    expect(objects.objects.get(`cache/ee/${key}/id1/video`)?.stat.metadata).toEqual({ sha256: stored.video!.sha256 });
  });

  it('refuses a bucket that drops the metadata, and a source written into during its upload, leaving no object', async () => {
    objects.keepMetadata = false;
    await expect(store.write({ key, id: 'id1', files: { video: source } })).rejects.toThrow(CacheStoreError);
    objects.keepMetadata = true;
    objects.duringUpload = (file) => appendFile(file, 'more');
    await expect(store.write({ key, id: 'id2', files: { video: source } })).rejects.toThrow(/changed while it was stored/);
    await expect(store.write({ key, id: 'id3', files: { video: join(dir, 'missing') } })).rejects.toThrow(InvalidCacheInputError);
    expect(objects.objects.size).toBe(0);
  });

  it('without a download, a hit needs each object with the recorded size, sha256 and ETag', async () => {
    const stored = await store.write({ key, id: 'id1', files: { video: source } });
    const verified = await store.verify(key, 'id1', stored, { download: false });
    expect(verified).toEqual({ files: {}, objects: { video: { key: `cache/ee/${key}/id1/video`, ...stored.video } } });
    expect(await store.verify(key, 'id1', { video: { ...stored.video!, etag: '"other"' } }, { download: false })).toBeUndefined();
    expect(await store.verify(key, 'id1', { video: { ...stored.video!, size: 999 } }, { download: false })).toBeUndefined();
    expect(await store.verify(key, 'id1', { video: { ...stored.video!, sha256: '0'.repeat(64) } }, { download: false })).toBeUndefined();
    expect(await store.verify(key, 'id2', stored, { download: false })).toBeUndefined();
  });

  it("sweeps a crashed put's objects by its marker once old, and only the marker of a put whose record committed", async () => {
    objects.age = 2 * 60_000;
    await store.write({ key, id: 'crashed', files: { video: source } });
    await store.write({ key, id: 'committed', files: { video: source } }); // crashed between the record and committed()
    objects.age = 0;
    await store.write({ key, id: 'in-progress', files: { video: source } });
    const current = jest.fn(async (_key: string, id: string) => id === 'committed');
    expect(await store.sweepTemp(60_000, current)).toBe(2);
    expect(current).toHaveBeenCalledTimes(2);
    expect([...objects.objects.keys()].sort()).toEqual([`cache/ee/${key}/committed/video`, `cache/ee/${key}/in-progress/video`, `cache/pending/${key}/in-progress`]);
    // Without isCurrent, the bucket is not touched.
    objects.age = 2 * 60_000;
    await store.write({ key, id: 'later', files: { video: source } });
    expect(await store.sweepTemp(60_000)).toBe(0);
    expect(objects.objects.has(`cache/pending/${key}/later`)).toBe(true);
  });

  it('refuses a prefix that is not a folder', () => {
    expect(() => new BucketBlobStore({ dir, objects, prefix: 'cache' })).toThrow(InvalidCacheInputError);
  });
});

describe('objectRef', () => {
  it('round-trips a key with and without an ETag, and is not a path', () => {
    expect(parseObjectRef(objectRef({ key: 'cache/ab/k/id/video', etag: '"3f-2"' }))).toEqual({ key: 'cache/ab/k/id/video', etag: '"3f-2"' });
    expect(parseObjectRef(objectRef({ key: 'cache/ab/k/id/video' }))).toEqual({ key: 'cache/ab/k/id/video' });
    expect(parseObjectRef('/srv/data/cache/blobs/ab/k/id/video')).toBeUndefined();
  });
});
