import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArtifactCache } from '../artifact-cache';
import { CacheClosedError, InvalidCacheInputError } from '../cache-errors';
import { cacheKey } from '../cache-key';
import type { CacheStage } from '../cache-stage';
import { createCache, type CreateCacheOptions } from '../create-cache';
import { LOCAL_BLOBS, testBackend, type TestBackend, type TestBlobs } from './backends';

const DAY = 24 * 60 * 60;
const key = (n: number | string, stage: CacheStage = 'tts'): string => cacheKey({ stage, version: 1, inputs: { n } });

/**
 * The ArtifactCache's behaviour, the same whichever metadata store holds the entries and wherever their files live
 * (the cache directory or a bucket). A few tests are about local files themselves (hard links, a file damaged in
 * the cache directory) and run only with local blobs; the bucket's own (a tampered object, a local copy) are in
 * libs/activities/src/adapters/artifact-store/bucket-cache.int.spec.ts.
 */
export function describeArtifactCache(backendName: TestBackend['name'], blobs: TestBlobs = LOCAL_BLOBS): void {
  const localIt = blobs.name === 'local' ? it : undefined;
  describe(`ArtifactCache with ${backendName} metadata and ${blobs.name} files`, () => {
    // A safety net, not a speed claim: 200 concurrent puts on a two-core machine busy with other suites can pass 5 s.
    jest.setTimeout(60_000);
    let backend: TestBackend;
    let dir: string;
    let clock: number;
    let blobOptions: ReturnType<TestBlobs['options']>;
    const opened: ArtifactCache[] = [];

    async function open(options: Partial<CreateCacheOptions> = {}): Promise<ArtifactCache> {
      const cache = await createCache({ dir: join(dir, 'cache'), now: () => clock, ...backend.options, ...blobOptions, ...options });
      opened.push(cache);
      return cache;
    }

    async function source(name: string, content: string | Buffer): Promise<string> {
      const path = join(dir, 'sources', name);
      await writeFile(path, content);
      return path;
    }

    beforeEach(async () => {
      backend = testBackend(backendName);
      blobOptions = blobs.options();
      dir = await mkdtemp(join(tmpdir(), 'vidflow-cache-'));
      await rm(join(dir, 'sources'), { recursive: true, force: true });
      await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'sources')));
      clock = Date.UTC(2026, 0, 1);
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((cache) => cache.close()));
      await backend.drop();
      await rm(dir, { recursive: true, force: true });
    });

    it('returns the value and verified copies of the files put under a key; the sources stay', async () => {
      const cache = await open();
      const wav = await source('scene.wav', Buffer.alloc(50_000, 7));
      const k = key('scene-1');
      await cache.put({ stage: 'tts', key: k, value: { durationSeconds: 2.5, text: 'Hallo, Welt' }, files: { 'audio.wav': wav } });

      const hit = await cache.get<{ durationSeconds: number }>('tts', k);
      expect(hit?.value).toEqual({ durationSeconds: 2.5, text: 'Hallo, Welt' });
      expect(hit?.stage).toBe('tts');
      expect(hit?.files['audio.wav']).toMatch(/^\/.*audio\.wav$/);
      expect(hit?.files['audio.wav']).not.toBe(wav);
      expect(await readFile(hit!.files['audio.wav'])).toEqual(Buffer.alloc(50_000, 7));
      expect(existsSync(wav)).toBe(true);
    });

    it('stores entries without files', async () => {
      const cache = await open();
      await cache.put({ stage: 'script', key: key('s', 'script'), value: ['scene one', 'scene two'] });
      expect((await cache.get('script', key('s', 'script')))?.value).toEqual(['scene one', 'scene two']);
    });

    it('misses an unknown key and a key of another stage, and counts both', async () => {
      const cache = await open();
      await cache.put({ stage: 'tts', key: key(1), value: 1 });
      expect(await cache.get('tts', key(2))).toBeUndefined();
      expect(await cache.get('render', key(1))).toBeUndefined();
      const stats = await cache.stats();
      expect(stats.byStage.tts).toMatchObject({ hits: 0, misses: 1 });
      expect(stats.byStage.render).toMatchObject({ hits: 0, misses: 1 });
    });

    it('expires entries after the default TTL: a miss, then removed by cleanupExpired', async () => {
      const cache = await open({ defaultTtlSeconds: DAY });
      await cache.put({ stage: 'tts', key: key(1), value: 'a', files: { 'a.wav': await source('a', 'aaaa') } });
      await cache.put({ stage: 'tts', key: key(2), value: 'b', files: { 'b.wav': await source('b', 'bbbbbb') } });
      clock += DAY * 1000 - 1;
      expect(await cache.get('tts', key(1))).toBeDefined();
      clock += 1;
      expect(await cache.cleanupExpired()).toEqual({ removed: 2, bytesFreed: 4 + 3 + 6 + 3 });
      expect(await cache.get('tts', key(2))).toBeUndefined();
      expect((await cache.stats()).entries).toBe(0);
      expect(await blobs.versions(join(dir, 'cache'), key(1), blobOptions)).toEqual([]);
    });

    it('an expired entry is a miss even before cleanup, and is removed by that get', async () => {
      const cache = await open({ defaultTtlSeconds: 60 });
      await cache.put({ stage: 'tts', key: key(1), value: 'a' });
      clock += 60_000;
      expect(await cache.get('tts', key(1))).toBeUndefined();
      expect((await cache.stats()).entries).toBe(0);
    });

    it('honours a per-entry TTL over the default, both shorter and longer', async () => {
      const cache = await open({ defaultTtlSeconds: 60 });
      await cache.put({ stage: 'tts', key: key('short'), value: 1, ttlSeconds: 10 });
      await cache.put({ stage: 'tts', key: key('default'), value: 2 });
      await cache.put({ stage: 'tts', key: key('long'), value: 3, ttlSeconds: 3600 });
      clock += 10_000;
      expect(await cache.get('tts', key('short'))).toBeUndefined();
      expect(await cache.get('tts', key('default'))).toBeDefined();
      clock += 50_000;
      expect(await cache.get('tts', key('default'))).toBeUndefined();
      const hit = await cache.get('tts', key('long'));
      expect(hit?.value).toBe(3);
      expect(hit?.expiresAt).toBe(Date.UTC(2026, 0, 1) + 3_600_000);
    });

    it('evicts least recently used entries down to evictToFraction when over maxBytes', async () => {
      // Each entry: 1000 bytes of file + 1 byte of value ("1"..."9").
      const cache = await open({ maxBytes: 5005, evictToFraction: 0.6 });
      const file = await source('f', Buffer.alloc(1000, 1));
      for (let n = 1; n <= 5; n++) {
        clock += 1000;
        await cache.put({ stage: 'tts', key: key(n), value: n, files: { 'f.bin': file } });
      }
      clock += 1000;
      expect(await cache.get('tts', key(1))).toBeDefined(); // 1 is now the most recently used
      clock += 1000;
      expect(await cache.get('tts', key(3))).toBeDefined();
      expect((await cache.stats()).bytes).toBe(5005);

      clock += 1000;
      await cache.put({ stage: 'tts', key: key(6), value: 6, files: { 'f.bin': file } }); // 6006 > 5005

      // Down to at most 3003 bytes, oldest access first: 2, 4, 5 go; 1, 3 and the new 6 stay.
      const present = [];
      for (let n = 1; n <= 6; n++) if (await cache.get('tts', key(n))) present.push(n);
      expect(present).toEqual([1, 3, 6]);
      const stats = await cache.stats();
      expect(stats.bytes).toBe(3003);
      expect(stats.bytes).toBeLessThanOrEqual(stats.maxBytes * 0.6);
      expect(stats.entries).toBe(3);
    });

    it('evictIfNeeded does nothing under the limit', async () => {
      const cache = await open({ maxBytes: 1000 });
      await cache.put({ stage: 'tts', key: key(1), value: 'x'.repeat(100) });
      expect(await cache.evictIfNeeded()).toEqual({ removed: 0, bytesFreed: 0 });
      expect(await cache.get('tts', key(1))).toBeDefined();
    });

    it('invalidates one key, and a whole stage without touching the others', async () => {
      const cache = await open();
      const file = await source('f', 'content');
      await cache.put({ stage: 'tts', key: key(1), value: 1, files: { 'a.wav': file } });
      await cache.put({ stage: 'tts', key: key(2), value: 2, files: { 'a.wav': file } });
      await cache.put({ stage: 'render', key: key(3, 'render'), value: 3, files: { 'v.mp4': file } });
      await cache.put({ stage: 'script', key: key(4, 'script'), value: 4 });

      expect(await cache.invalidate(key(1))).toBe(true);
      expect(await cache.invalidate(key(1))).toBe(false);
      expect(await cache.get('tts', key(1))).toBeUndefined();
      expect(await cache.get('tts', key(2))).toBeDefined();

      expect(await cache.invalidateStage('render')).toEqual({ removed: 1, bytesFreed: 7 + 1 });
      expect(await cache.get('render', key(3, 'render'))).toBeUndefined();
      expect(await cache.get('tts', key(2))).toBeDefined();
      expect(await cache.get('script', key(4, 'script'))).toBeDefined();
      const stats = await cache.stats();
      expect(stats.entries).toBe(2);
      expect(stats.byStage.render).toMatchObject({ entries: 0, bytes: 0 });
    });

    localIt?.('a corrupted file is a miss, and the entry and its files are removed', async () => {
      const cache = await open();
      const k = key('corrupt');
      await cache.put({ stage: 'render', key: k, value: {}, files: { 'video.mp4': await source('v', Buffer.alloc(4096, 3)) } });
      const path = (await cache.get('render', k))!.files['video.mp4'];
      const bytes = await readFile(path);
      bytes[2000] ^= 0xff; // same size, different content
      await writeFile(path, bytes);

      expect(await cache.get('render', k)).toBeUndefined();
      expect(existsSync(path)).toBe(false);
      const stats = await cache.stats();
      expect(stats).toMatchObject({ entries: 0, bytes: 0 });
      expect(stats.byStage.render).toMatchObject({ hits: 1, misses: 1 });
      // The key can be stored again.
      await cache.put({ stage: 'render', key: k, value: {}, files: { 'video.mp4': await source('v', Buffer.alloc(4096, 3)) } });
      expect(await cache.get('render', k)).toBeDefined();
    });

    localIt?.('stores a file as a hard link to its source (one copy on disk), or as a copy with linkFiles: false', async () => {
      const video = await source('render.mp4', Buffer.alloc(20_000, 5));
      const linking = await open();
      await linking.put({ stage: 'render', key: key('linked'), value: {}, files: { 'video.mp4': video } });
      const linked = (await linking.get('render', key('linked')))!.files['video.mp4']!;
      expect((await stat(linked)).ino).toBe((await stat(video)).ino);

      const copying = await open({ dir: join(dir, 'copying'), linkFiles: false });
      await copying.put({ stage: 'render', key: key('copied'), value: {}, files: { 'video.mp4': video } });
      const copied = (await copying.get('render', key('copied')))!.files['video.mp4']!;
      expect((await stat(copied)).ino).not.toBe((await stat(video)).ino);
      expect(await readFile(copied)).toEqual(Buffer.alloc(20_000, 5));
    });

    localIt?.('a source written into after it was put (so its linked entry changed too) is caught on read as a miss', async () => {
      const cache = await open();
      const video = await source('rewritten.mp4', Buffer.alloc(8192, 1));
      await cache.put({ stage: 'pipeline', key: key('rewritten', 'pipeline'), value: {}, files: { video } });
      await writeFile(video, Buffer.alloc(8192, 2)); // in place: same inode, same size, new content
      expect(await cache.get('pipeline', key('rewritten', 'pipeline'))).toBeUndefined();
      expect(await cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
      expect(await readFile(video)).toEqual(Buffer.alloc(8192, 2)); // the source itself is left alone
    });

    localIt?.('a missing or truncated file is a miss', async () => {
      const cache = await open();
      await cache.put({ stage: 'tts', key: key(1), value: 1, files: { 'a.wav': await source('a', 'abcdef') } });
      await cache.put({ stage: 'tts', key: key(2), value: 2, files: { 'a.wav': await source('b', 'abcdef') } });
      await rm((await cache.get('tts', key(1)))!.files['a.wav']);
      await writeFile((await cache.get('tts', key(2)))!.files['a.wav'], 'abc');
      expect(await cache.get('tts', key(1))).toBeUndefined();
      expect(await cache.get('tts', key(2))).toBeUndefined();
      expect((await cache.stats()).entries).toBe(0);
    });

    it('replacing an entry keeps one entry and removes the files of the old version', async () => {
      const cache = await open();
      const k = key('replace');
      await cache.put({ stage: 'tts', key: k, value: 'old', files: { 'a.wav': await source('old', 'old content') } });
      const oldPath = (await cache.get('tts', k))!.files['a.wav'];
      await cache.put({ stage: 'tts', key: k, value: 'new', files: { 'a.wav': await source('new', 'new!') } });
      const hit = await cache.get('tts', k);
      expect(hit?.value).toBe('new');
      expect(await readFile(hit!.files['a.wav'], 'utf8')).toBe('new!');
      expect(existsSync(oldPath)).toBe(false);
      expect(await cache.stats()).toMatchObject({ entries: 1, bytes: 4 + 5 });
    });

    it('reports stats per stage in the REST shape, with a hit rate', async () => {
      const cache = await open({ maxBytes: 1_000_000 });
      await cache.put({ stage: 'tts', key: key(1), value: 'ab', files: { 'a.wav': await source('a', '12345') } });
      await cache.put({ stage: 'pipeline', key: key(1, 'pipeline'), value: null });
      await cache.get('tts', key(1));
      await cache.get('tts', key(1));
      await cache.get('tts', key(9));
      await cache.get('pipeline', key(1, 'pipeline'));
      expect(await cache.stats()).toEqual({
        entries: 2,
        bytes: 5 + 4 + 4,
        maxBytes: 1_000_000,
        hits: 3,
        misses: 1,
        hitRate: 0.75,
        byStage: {
          script: { entries: 0, bytes: 0, hits: 0, misses: 0 },
          tts: { entries: 1, bytes: 9, hits: 2, misses: 1 },
          render: { entries: 0, bytes: 0, hits: 0, misses: 0 },
          pipeline: { entries: 1, bytes: 4, hits: 1, misses: 0 },
          stt: { entries: 0, bytes: 0, hits: 0, misses: 0 },
          image: { entries: 0, bytes: 0, hits: 0, misses: 0 },
        },
      });
    });

    it('keeps entries and counters across reopening', async () => {
      const first = await open();
      await first.put({ stage: 'script', key: key(1, 'script'), value: 'kept' });
      await first.get('script', key(1, 'script'));
      await first.close();
      const second = await open();
      expect((await second.get('script', key(1, 'script')))?.value).toBe('kept');
      expect((await second.stats()).byStage.script).toEqual({ entries: 1, bytes: 6, hits: 2, misses: 0 });
    });

    it('refuses malformed input with InvalidCacheInputError', async () => {
      const cache = await open();
      const file = await source('f', 'x');
      await expect(cache.get('tts', 'not-a-key')).rejects.toThrow(InvalidCacheInputError);
      await expect(cache.get('audio' as CacheStage, key(1))).rejects.toThrow(InvalidCacheInputError);
      await expect(cache.put({ stage: 'tts', key: key(1), value: undefined })).rejects.toThrow(InvalidCacheInputError);
      await expect(cache.put({ stage: 'tts', key: key(1), value: 1, ttlSeconds: 0 })).rejects.toThrow(InvalidCacheInputError);
      await expect(cache.put({ stage: 'tts', key: key(1), value: 1, files: { '../x': file } })).rejects.toThrow(
        InvalidCacheInputError,
      );
      await expect(
        cache.put({ stage: 'tts', key: key(1), value: 1, files: { 'a.wav': join(dir, 'missing.wav') } }),
      ).rejects.toThrow(InvalidCacheInputError);
      expect((await cache.stats()).entries).toBe(0);
      expect(await readdir(join(dir, 'cache', 'tmp')).catch(() => [])).toEqual([]);
    });

    it('refuses use after close with CacheClosedError', async () => {
      const cache = await open();
      await cache.close();
      await expect(cache.get('tts', key(1))).rejects.toThrow(CacheClosedError);
    });

    it('puts many entries concurrently from one process with exact totals', async () => {
      const cache = await open();
      const file = await source('f', Buffer.alloc(100, 1));
      await Promise.all(
        Array.from({ length: 200 }, (_, n) =>
          cache.put({ stage: n % 2 ? 'tts' : 'render', key: key(n, n % 2 ? 'tts' : 'render'), value: n % 10, files: { 'f.bin': file } }),
        ),
      );
      const hits = await Promise.all(Array.from({ length: 200 }, (_, n) => cache.get(n % 2 ? 'tts' : 'render', key(n, n % 2 ? 'tts' : 'render'))));
      expect(hits.every((hit) => hit !== undefined)).toBe(true);
      const stats = await cache.stats();
      expect(stats.byStage.tts).toEqual({ entries: 100, bytes: 100 * 101, hits: 100, misses: 0 });
      expect(stats.byStage.render).toEqual({ entries: 100, bytes: 100 * 101, hits: 100, misses: 0 });
      if (blobs.name === 'local') expect((await stat(join(dir, 'cache', 'tmp'))).isDirectory()).toBe(true);
    });
  });
}
