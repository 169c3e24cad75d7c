import { BucketBlobStore, createCache, objectRef, type ArtifactCache, type CreateCacheOptions } from '@vidflow/cache';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeArtifactCache } from '../../../../cache/src/testing/artifact-cache-suite';
import { bucketBlobs, testBackend, type TestBackend } from '../../../../cache/src/testing/backends';
import { spawnCacheChild, waitForChild } from '../../../../cache/src/testing/cache-child';
import { startSeaweed, type SeaweedServer } from '../../../../../test/support/seaweedfs';
import { MockActivityEnvironment } from '@temporalio/testing';
import { initialStages, VideoRequestSchema, type VideoProgress } from '@vidflow/contracts';
import { PipelineCacheReader } from '@vidflow/pipeline-cache';
import { makeLookupPipeline, makePlacePipelineHit, makeStorePipeline } from '../../activities/pipeline-cache.activity';
import { ArtifactStore } from './artifact-store';
import { S3ObjectStore } from './s3-object-store';

/**
 * The content cache with its files in a bucket (BucketBlobStore over S3ObjectStore), on a real SeaweedFS started
 * here: the shared ArtifactCache suite, then what only a bucket has: several hosts (separate cache directories,
 * one PostgreSQL, one bucket) sharing hits, tampered objects, a crashed download, and a pipeline hit placed by a
 * server-side copy. Lives here, not in libs/cache, because the cache library does not depend on the S3 adapter.
 */
jest.setTimeout(120_000);

let seaweed: SeaweedServer;
let s3: S3ObjectStore;
beforeAll(async () => {
  seaweed = await startSeaweed();
  s3 = new S3ObjectStore(seaweed.config);
});
afterAll(async () => {
  s3?.client.destroy();
  await seaweed?.stop();
});

describeArtifactCache('postgres', bucketBlobs(() => s3));
describeArtifactCache('embedded', bucketBlobs(() => s3));

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const keyOf = (n: string): string => sha(Buffer.from(`bucket-cache ${n}`));

async function listKeys(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of s3.list(prefix)) keys.push(object.key);
  return keys.sort();
}

/** Every file under `dir` (relative paths); none when it does not exist. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

describe('a cache shared by hosts through one PostgreSQL and one bucket', () => {
  let backend: TestBackend;
  let scratch: string;
  let prefix: string;
  const opened: ArtifactCache[] = [];

  /** One host's cache: its own directory, the shared metadata and bucket. */
  async function host(name: string, options: Partial<CreateCacheOptions> = {}): Promise<ArtifactCache> {
    const cache = await createCache({ dir: join(scratch, name, 'cache'), ...backend.options, objects: s3, objectPrefix: prefix, ...options });
    opened.push(cache);
    return cache;
  }

  async function source(name: string, content: Buffer): Promise<string> {
    const path = join(scratch, 'sources', name);
    await writeFile(path, content);
    return path;
  }

  beforeEach(async () => {
    backend = testBackend('postgres');
    scratch = await mkdtemp(join(tmpdir(), 'vidflow-bucket-cache-'));
    await mkdir(join(scratch, 'sources'));
    prefix = `hosts-${randomBytes(4).toString('hex')}/`;
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((cache) => cache.close()));
    await backend.drop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('a put on host A is a hit on host B with the same bytes, read through a local copy that B reuses', async () => {
    const a = await host('a');
    const b = await host('b');
    const video = randomBytes(9 * 1024 * 1024 + 17); // two multipart parts
    const k = keyOf('render');
    await a.put({ stage: 'render', key: k, value: { durationSeconds: 4 }, files: { video: await source('render.mp4', video) } });
    expect(await listKeys(prefix)).toEqual([expect.stringMatching(new RegExp(`^${prefix}${k.slice(0, 2)}/${k}/[0-9a-f]{32}/video$`))]);

    const download = jest.spyOn(s3, 'download');
    const hit = await b.get<{ durationSeconds: number }>('render', k);
    expect(hit?.value).toEqual({ durationSeconds: 4 });
    expect(hit!.files.video!.startsWith(resolve(scratch, 'b', 'cache', 'remote') + '/')).toBe(true);
    expect(sha(await readFile(hit!.files.video!))).toBe(sha(video));
    expect(download).toHaveBeenCalledTimes(1);

    // Again on B: its verified local copy, no second download.
    expect((await b.get('render', k))?.files.video).toBe(hit!.files.video);
    expect(download).toHaveBeenCalledTimes(1);

    // A local copy damaged on B's disk is not trusted: fetched again from the (intact) object, still a hit.
    const damaged = await readFile(hit!.files.video!);
    damaged[1000] ^= 0xff;
    await writeFile(hit!.files.video!, damaged);
    expect(sha(await readFile((await b.get('render', k))!.files.video!))).toBe(sha(video));
    expect(download).toHaveBeenCalledTimes(2);
    download.mockRestore();
    expect((await a.stats()).byStage.render).toMatchObject({ entries: 1, hits: 3, misses: 0 });
  });

  it('an object overwritten in the bucket is a miss on download and on the HEAD check, and the entry is dropped', async () => {
    const a = await host('a');
    const b = await host('b');
    const original = Buffer.alloc(64 * 1024, 1);
    const forged = Buffer.alloc(64 * 1024, 2); // same size
    const forgedFile = await source('forged', forged);
    const put = async (n: string): Promise<string> => {
      await a.put({ stage: 'pipeline', key: keyOf(n), value: { n }, files: { video: await source(n, original) } });
      const [objectKey] = await listKeys(`${prefix}${keyOf(n).slice(0, 2)}/${keyOf(n)}/`);
      return objectKey!;
    };

    // Overwritten without the cache's metadata: the download's sha256 check fails.
    const plain = await put('plain');
    await s3.putFile(plain, forgedFile);
    expect(await b.get('pipeline', keyOf('plain'))).toBeUndefined();
    expect(await filesUnder(join(scratch, 'b', 'cache', 'remote'))).toEqual([]);

    // Overwritten with the recorded sha256 forged into its metadata: the HEAD check still sees a new ETag.
    const sneaky = await put('sneaky');
    await s3.putFile(sneaky, forgedFile, { metadata: { sha256: sha(original) } });
    expect((await s3.stat(sneaky))?.metadata?.sha256).toBe(sha(original));
    expect(await b.get('pipeline', keyOf('sneaky'), { download: false })).toBeUndefined();

    // Both entries are gone for every host, with their objects; an untouched one still hits without a download.
    expect(await a.get('pipeline', keyOf('plain'))).toBeUndefined();
    expect(await a.get('pipeline', keyOf('sneaky'))).toBeUndefined();
    expect(await listKeys(plain)).toEqual([]);
    expect(await listKeys(sneaky)).toEqual([]);
    await put('intact');
    const hit = await b.get('pipeline', keyOf('intact'), { download: false });
    expect(hit?.files).toEqual({});
    expect(hit?.objects?.video).toMatchObject({ size: original.length, sha256: sha(original), etag: expect.any(String) });
    expect(await filesUnder(join(scratch, 'b', 'cache'))).toEqual([]);
    expect((await a.stats()).byStage.pipeline).toMatchObject({ entries: 1, hits: 1, misses: 4 });
  });

  it('a download killed half-way leaves nothing visible; the next get downloads it whole and the sweep clears the rest', async () => {
    const a = await host('a');
    const video = randomBytes(24 * 1024 * 1024);
    const k = keyOf('crash');
    await a.put({ stage: 'render', key: k, value: {}, files: { video: await source('crash.mp4', video) } });
    const bDir = join(scratch, 'b', 'cache');

    // Host B, in a process of its own, downloads through a slowed stream and is killed once part of it is on disk.
    const child = spawnCacheChild(
      `
      const { Transform } = require('node:stream');
      const { S3ObjectStore } = require(args.s3Module);
      const { writeWhole } = require(args.objectStoreModule);
      const objects = new S3ObjectStore(args.s3);
      objects.download = async (key, file) => {
        const body = await objects.read(key);
        const slow = new Transform({ transform(chunk, _e, done) { setTimeout(() => done(null, chunk), 50); } });
        await writeWhole(body.pipe(slow), file);
        return true;
      };
      const c = await cache.createCache({ dir: args.dir, databaseUrl: args.databaseUrl, databaseSchema: args.schema, objects, objectPrefix: args.prefix });
      await c.get('render', args.key);
      console.log('finished');
      `,
      {
        s3Module: resolve(__dirname, 's3-object-store.ts'),
        objectStoreModule: resolve(__dirname, 'object-store.ts'),
        s3: { ...seaweed.config, credentials: seaweed.config.credentials },
        dir: bDir,
        ...backend.options,
        schema: backend.options.databaseSchema,
        prefix,
        key: k,
      },
    );
    const done = waitForChild(child);
    const deadline = Date.now() + 60_000;
    while (!(await filesUnder(join(bDir, 'tmp'))).some((f) => f.endsWith('.part'))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no download seen in progress: ${JSON.stringify(await done)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    const result = await done;
    expect(result.signal).toBe('SIGKILL');
    expect(result.stdout).not.toContain('finished');

    // Nothing under remote/: only the temporary download, which no get ever reads.
    expect(await filesUnder(join(bDir, 'remote'))).toEqual([]);
    expect((await filesUnder(join(bDir, 'tmp'))).length).toBeGreaterThan(0);
    const b = await host('b', { tempMaxAgeMs: 0 });
    const hit = await b.get('render', k);
    expect(sha(await readFile(hit!.files.video!))).toBe(sha(video));
    await b.cleanupExpired();
    expect(await filesUnder(join(bDir, 'tmp'))).toEqual([]);
    expect(existsSync(hit!.files.video!)).toBe(true); // a copy in use recently stays
  });

  it('remove deletes the objects and the local copy; copies of removed entries on other hosts go when idle', async () => {
    const a = await host('a');
    const b = await host('b', { localCopyMaxIdleMs: 60_000 });
    const k = keyOf('removed');
    await a.put({ stage: 'tts', key: k, value: 1, files: { 'audio.wav': await source('a.wav', Buffer.alloc(3000, 4)), 'marks.json': await source('m', Buffer.from('[]')) } });
    const onA = (await a.get('tts', k))!.files['audio.wav']!;
    const onB = (await b.get('tts', k))!.files['audio.wav']!;
    expect(await listKeys(prefix)).toHaveLength(2);

    expect(await a.invalidate(k)).toBe(true);
    expect(await listKeys(prefix)).toEqual([]);
    expect(existsSync(onA)).toBe(false);
    expect(await b.get('tts', k)).toBeUndefined();

    // B's copy outlives the entry until it has been idle for localCopyMaxIdleMs.
    expect(existsSync(onB)).toBe(true);
    await b.cleanupExpired();
    expect(existsSync(onB)).toBe(true);
    const longAgo = new Date(Date.now() - 120_000);
    await utimes(join(onB, '..'), longAgo, longAgo);
    await b.cleanupExpired();
    expect(await filesUnder(join(scratch, 'b', 'cache', 'remote'))).toEqual([]);
  });

  it("a put that crashed before its record committed leaves objects that a later cleanup removes; committed puts leave no marker", async () => {
    const a = await host('a', { tempMaxAgeMs: 0 });
    await a.put({ stage: 'tts', key: keyOf('kept'), value: 1, files: { 'a.wav': await source('kept.wav', Buffer.alloc(2000, 1)) } });
    expect(await listKeys(`${prefix}pending/`)).toEqual([]);
    // What a put cut short between its uploads and its record leaves: the objects and their marker, no record.
    const crashed = new BucketBlobStore({ dir: join(scratch, 'crashed-host'), objects: s3, prefix });
    await crashed.write({ key: keyOf('crashed'), id: 'f'.repeat(32), files: { 'a.wav': await source('crashed.wav', Buffer.alloc(3000, 2)) } });
    expect(await listKeys(`${prefix}${keyOf('crashed').slice(0, 2)}/`)).toHaveLength(1);
    expect(await listKeys(`${prefix}pending/`)).toHaveLength(1);

    await new Promise((r) => setTimeout(r, 1100)); // object times have a resolution of one second
    await a.cleanupExpired();
    expect(await listKeys(`${prefix}${keyOf('crashed').slice(0, 2)}/`)).toEqual([]);
    expect(await listKeys(`${prefix}pending/`)).toEqual([]);
    expect(await a.get('tts', keyOf('kept'))).toBeDefined();
  });

  it('a source changed after it was put leaves the entry its own bytes (the object is a copy, not a link)', async () => {
    const a = await host('a');
    const b = await host('b');
    const file = await source('rewritten.mp4', Buffer.alloc(8192, 1));
    await a.put({ stage: 'pipeline', key: keyOf('rewritten'), value: {}, files: { video: file } });
    await writeFile(file, Buffer.alloc(8192, 2));
    expect(await readFile((await b.get('pipeline', keyOf('rewritten')))!.files.video!)).toEqual(Buffer.alloc(8192, 1));
  });

  it("a pipeline hit checked without a download is placed at a video's key by a copy in the bucket, only while unchanged", async () => {
    const a = await host('a');
    const api = await host('api');
    const video = randomBytes(300_000);
    await a.put({ stage: 'pipeline', key: keyOf('repeat'), value: {}, files: { video: await source('v.mp4', video) } });
    const hit = await api.get('pipeline', keyOf('repeat'), { download: false });
    const ref = objectRef(hit!.objects!.video!);
    expect(ref).toMatch(/^bucket-object:/);

    const worker = new ArtifactStore(join(scratch, 'worker-data'), { finished: s3 });
    const download = jest.spyOn(s3, 'download');
    await worker.placeCachedFile(ref, worker.video('vid-repeat'));
    expect(download).not.toHaveBeenCalled();
    download.mockRestore();
    const placed = await s3.stat('videos/vid-repeat.mp4');
    expect(placed?.bytes).toBe(video.length);
    const chunks: Buffer[] = [];
    for await (const chunk of (await s3.read('videos/vid-repeat.mp4'))!) chunks.push(chunk as Buffer);
    expect(sha(Buffer.concat(chunks))).toBe(sha(video));
    expect(await filesUnder(join(scratch, 'api'))).toEqual([]); // the API host downloaded nothing
    expect(await filesUnder(join(scratch, 'worker-data'))).toEqual([]);

    // Overwritten between the lookup and the placing: refused (the caller then makes the video), nothing placed.
    await s3.putFile(hit!.objects!.video!.key, await source('other', randomBytes(300_000)));
    await expect(worker.placeCachedFile(ref, worker.video('vid-late'))).rejects.toThrow(/changed/);
    expect(await s3.stat('videos/vid-late.mp4')).toBeUndefined();
    // A local ArtifactStore cannot place a bucket object.
    await expect(new ArtifactStore(join(scratch, 'local-data')).placeCachedFile(ref, 'videos/x.mp4')).rejects.toThrow(/only be placed in the bucket/);
  });
});

describe('the pipeline cache across hosts with ARTIFACT_STORE=s3', () => {
  let backend: TestBackend;
  let scratch: string;
  const opened: ArtifactCache[] = [];
  const run = <A, R>(activity: (input: A) => Promise<R>, input: A): Promise<R> => new MockActivityEnvironment().run(activity, input) as Promise<R>;
  const bytesOf = async (key: string): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of (await s3.read(key))!) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  beforeEach(async () => {
    backend = testBackend('postgres');
    scratch = await mkdtemp(join(tmpdir(), 'vidflow-bucket-pipeline-'));
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((cache) => cache.close()));
    await backend.drop();
    await rm(scratch, { recursive: true, force: true });
  });

  /** One host: its own DATA_DIR and cache directory; the metadata and the bucket are shared. */
  async function host(name: string): Promise<{ store: ArtifactStore; cache: ArtifactCache; root: string }> {
    const root = join(scratch, name);
    const cache = await createCache({ dir: join(root, 'cache'), ...backend.options, objects: s3 });
    opened.push(cache);
    return { store: new ArtifactStore(join(root, 'data'), { finished: s3 }), cache, root };
  }

  it('a video finished on worker A is a repeat on worker B and through the API, copied inside the bucket', async () => {
    const request = VideoRequestSchema.parse({ script: `Hello from host A, run ${randomBytes(4).toString('hex')}.` });
    const mediaDir = join(scratch, 'media');
    const a = await host('a');
    const video = randomBytes(700_000);
    const poster = randomBytes(5_000);
    await writeFile(join(scratch, 'render.mp4'), video);
    await writeFile(join(scratch, 'poster.jpg'), poster);
    await a.store.commit(join(scratch, 'render.mp4'), a.store.video('vid-a'));
    await a.store.commit(join(scratch, 'poster.jpg'), a.store.poster('vid-a'));
    const progress: VideoProgress = {
      stage: 'done',
      progress: 1,
      cacheHit: false,
      stages: initialStages(),
      result: { path: a.store.video('vid-a'), durationSeconds: 3, width: 2, height: 2, bytes: video.length },
    };
    // storePipeline reads the finished files back from the bucket (they are not on A's disk any more).
    await run(makeStorePipeline({ store: a.store, cache: a.cache, mediaDir }), { videoId: 'vid-a', request, progress });
    expect((await a.cache.stats()).byStage.pipeline.entries).toBe(1);

    // Worker B looks the request up itself (a batch item): placed by copies, nothing downloaded.
    const b = await host('b');
    const download = jest.spyOn(s3, 'download');
    const repeat = await run(makeLookupPipeline({ store: b.store, cache: b.cache, mediaDir }), { videoId: 'vid-b', request });
    expect(repeat).toMatchObject({ cacheHit: true, result: { path: b.store.video('vid-b') } });
    expect(sha(await bytesOf('videos/vid-b.mp4'))).toBe(sha(video));
    expect(await bytesOf('videos/vid-b.jpg')).toEqual(poster);

    // The API's lookup hands the worker references to the objects; the worker places them.
    const api = await host('api');
    const found = await new PipelineCacheReader(api.cache, mediaDir).lookup(request);
    expect(found?.videoFile).toMatch(/^bucket-object:cache\//);
    expect(found?.posterFile).toMatch(/^bucket-object:cache\//);
    const placed = await run(makePlacePipelineHit({ store: b.store }), { videoId: 'vid-api', progress: found!.progress, videoFile: found!.videoFile, posterFile: found!.posterFile });
    expect(placed).toMatchObject({ cacheHit: true, result: { path: b.store.video('vid-api') } });
    expect(sha(await bytesOf('videos/vid-api.mp4'))).toBe(sha(video));
    expect(download).not.toHaveBeenCalled();
    download.mockRestore();
    expect(await filesUnder(b.root)).toEqual([]);
    expect(await filesUnder(api.root)).toEqual([]);
  });
});
