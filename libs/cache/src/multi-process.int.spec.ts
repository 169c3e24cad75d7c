import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArtifactCache } from './artifact-cache';
import { cacheKey } from './cache-key';
import { createCache } from './create-cache';
import { BACKEND_NAMES, testBackend, type TestBackend } from './testing/backends';
import { runCacheChild, spawnCacheChild, waitForChild } from './testing/cache-child';

// Real processes against one cache directory (and one PostgreSQL schema): what the API and several workers do.
jest.setTimeout(30_000);

const key = (name: string, stage: 'tts' | 'render' = 'render'): string => cacheKey({ stage, version: 1, inputs: { name } });

describe.each(BACKEND_NAMES)('several processes sharing a cache with %s metadata', (backendName) => {
  let backend: TestBackend;
  let dir: string;
  let cacheDir: string;
  let parent: ArtifactCache | undefined;

  beforeEach(async () => {
    backend = testBackend(backendName);
    dir = await mkdtemp(join(tmpdir(), 'vidflow-cache-mp-'));
    cacheDir = join(dir, 'cache');
  });

  afterEach(async () => {
    await parent?.close();
    parent = undefined;
    await backend.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const openParent = async (options: { tempMaxAgeMs?: number } = {}): Promise<ArtifactCache> => {
    parent = await createCache({ dir: cacheDir, ...backend.options, ...options });
    return parent;
  };

  it('concurrent writers of the same keys leave one valid entry per key and exact totals', async () => {
    // Create the schema / directories once, as the deployed service's first process would.
    const cache = await openParent();
    const shared = join(dir, 'shared.mp4');
    await writeFile(shared, Buffer.alloc(300_000, 'v'));
    const writers = 4;
    const rounds = 8;
    const ownFiles = await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        const path = join(dir, `own-${writer}.bin`);
        await writeFile(path, Buffer.alloc(1000 + writer, writer));
        return path;
      }),
    );
    await Promise.all(
      ownFiles.map((ownFile, writer) =>
        runCacheChild(
          `const c = await cache.createCache(args.options);
           const puts = [];
           for (let i = 0; i < args.rounds; i++) {
             puts.push(c.put({ stage: 'render', key: args.sharedKey, value: { same: true }, files: { 'video.mp4': args.shared } }));
             puts.push(c.put({ stage: 'render', key: args.contestedKey, value: { writer: args.writer }, files: { 'video.mp4': args.ownFile } }));
             puts.push(c.put({ stage: 'tts', key: args.ownKeys[i], value: i, files: { 'a.wav': args.ownFile } }));
           }
           await Promise.all(puts);
           await c.close();`,
          {
            options: { dir: cacheDir, ...backend.options },
            rounds,
            writer,
            shared,
            ownFile,
            sharedKey: key('shared'),
            contestedKey: key('contested'),
            ownKeys: Array.from({ length: rounds }, (_, i) => key(`own-${writer}-${i}`, 'tts')),
          },
        ),
      ),
    );

    const sharedHit = await cache.get('render', key('shared'));
    expect(sharedHit?.value).toEqual({ same: true });
    expect(await readFile(sharedHit!.files['video.mp4'])).toEqual(Buffer.alloc(300_000, 'v'));
    const contested = await cache.get<{ writer: number }>('render', key('contested'));
    const winner = contested!.value.writer;
    expect(await readFile(contested!.files['video.mp4'])).toEqual(Buffer.alloc(1000 + winner, winner));
    for (let writer = 0; writer < writers; writer++) {
      for (let i = 0; i < rounds; i++) expect((await cache.get('tts', key(`own-${writer}-${i}`, 'tts')))?.value).toBe(i);
    }

    const stats = await cache.stats();
    const ownBytes = ownFiles.reduce((sum, _, writer) => sum + rounds * (1000 + writer + 1), 0);
    expect(stats.byStage.tts).toMatchObject({ entries: writers * rounds, bytes: ownBytes });
    expect(stats.byStage.render).toMatchObject({
      entries: 2,
      bytes: 300_000 + '{"same":true}'.length + 1000 + winner + `{"writer":${winner}}`.length,
    });
    // No duplicate copies: one version directory per key, and nothing left behind in tmp.
    for (const name of ['shared', 'contested']) {
      const k = key(name);
      expect(await readdir(join(cacheDir, 'blobs', k.slice(0, 2), k))).toHaveLength(1);
    }
    expect(await readdir(join(cacheDir, 'tmp'))).toEqual([]);
  });

  it('a put killed half way through copying is a miss, leaves the previous version readable, and its debris is swept', async () => {
    const cache = await openParent({ tempMaxAgeMs: 0 });
    const big = join(dir, 'big.mp4');
    const handle = await open(big, 'w');
    const chunk = Buffer.alloc(1 << 20, 'x');
    for (let i = 0; i < 160; i++) await handle.write(chunk);
    await handle.close();
    const oldVersion = join(dir, 'old.mp4');
    await writeFile(oldVersion, 'the previous render');
    await cache.put({ stage: 'render', key: key('replaced'), value: 'old', files: { 'video.mp4': oldVersion } });

    for (const name of ['fresh', 'replaced']) {
      const child = spawnCacheChild(
        `const c = await cache.createCache(args.options);
         await c.put({ stage: 'render', key: args.key, value: 'new', files: { 'video.mp4': args.big } });`,
        { options: { dir: cacheDir, ...backend.options, linkFiles: false }, key: key(name), big },
      );
      const done = waitForChild(child);
      // Kill it once its copy is under way: the staging file exists and is partly written.
      for (;;) {
        const staged = await partlyWrittenStagingFile(join(cacheDir, 'tmp'), 160 << 20);
        if (staged) break;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      child.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');
    }

    expect(await cache.get('render', key('fresh'))).toBeUndefined();
    const previous = await cache.get('render', key('replaced'));
    expect(previous?.value).toBe('old');
    expect(await readFile(previous!.files['video.mp4'], 'utf8')).toBe('the previous render');
    expect(await cache.stats()).toMatchObject({ entries: 1, bytes: 'the previous render'.length + '"old"'.length });

    expect((await readdir(join(cacheDir, 'tmp'))).length).toBeGreaterThan(0);
    await cache.cleanupExpired();
    expect(await readdir(join(cacheDir, 'tmp'))).toEqual([]);
    await cache.put({ stage: 'render', key: key('fresh'), value: 'ok', files: { 'video.mp4': oldVersion } });
    expect((await cache.get('render', key('fresh')))?.value).toBe('ok');
  });

  it('counts hits and misses from every process in the shared stats', async () => {
    const cache = await openParent();
    await cache.put({ stage: 'tts', key: key('spoken', 'tts'), value: { seconds: 1.5 } });
    await cache.get('tts', key('spoken', 'tts'));
    await Promise.all(
      [0, 1, 2].map(() =>
        runCacheChild(
          `const c = await cache.createCache(args.options);
           for (let i = 0; i < 10; i++) {
             const hit = await c.get('tts', args.hit);
             if (!hit || hit.value.seconds !== 1.5) throw new Error('expected a hit');
           }
           for (let i = 0; i < 4; i++) if (await c.get('render', args.miss)) throw new Error('expected a miss');
           await c.close();`,
          { options: { dir: cacheDir, ...backend.options }, hit: key('spoken', 'tts'), miss: key('absent') },
        ),
      ),
    );
    const stats = await cache.stats();
    expect(stats.byStage.tts).toMatchObject({ entries: 1, hits: 31, misses: 0 });
    expect(stats.byStage.render).toMatchObject({ entries: 0, hits: 0, misses: 12 });
    expect(stats).toMatchObject({ hits: 31, misses: 12, hitRate: 31 / 43 });
  });

  it('an entry invalidated by another process is a miss here', async () => {
    const cache = await openParent();
    const file = join(dir, 'a.wav');
    await writeFile(file, 'audio');
    await cache.put({ stage: 'tts', key: key('a', 'tts'), value: 1, files: { 'a.wav': file } });
    const path = (await cache.get('tts', key('a', 'tts')))!.files['a.wav'];
    await runCacheChild(
      `const c = await cache.createCache(args.options);
       if (!(await c.invalidate(args.key))) throw new Error('nothing to invalidate');
       await c.close();`,
      { options: { dir: cacheDir, ...backend.options }, key: key('a', 'tts') },
    );
    expect(await cache.get('tts', key('a', 'tts'))).toBeUndefined();
    expect(existsSync(path)).toBe(false);
  });
});

async function partlyWrittenStagingFile(tmp: string, fullSize: number): Promise<string | undefined> {
  await mkdir(tmp, { recursive: true });
  for (const name of await readdir(tmp)) {
    const path = join(tmp, name, 'video.mp4');
    try {
      const { size } = await stat(path);
      if (size > 0 && size < fullSize) return path;
    } catch {
      // not this one, or not yet
    }
  }
  return undefined;
}
