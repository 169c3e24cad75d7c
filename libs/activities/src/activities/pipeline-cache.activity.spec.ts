import { MockActivityEnvironment } from '@temporalio/testing';
import { type ArtifactCache, createCache } from '@vidflow/cache';
import { initialStages, type VideoProgress, type VideoRequest, VideoRequestSchema, type VideoRequestInput } from '@vidflow/contracts';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactStore } from '../adapters/artifact-store/artifact-store';
import { makeLookupPipeline, makeStorePipeline } from './pipeline-cache.activity';

function runActivity<A, R>(activity: (input: A) => Promise<R>, input: A): Promise<R> {
  return new MockActivityEnvironment().run(activity, input) as Promise<R>;
}

describe('pipeline cache: the key includes what the media files are', () => {
  let root: string;
  let media: string;
  let store: ArtifactStore;
  let cache: ArtifactCache;
  let lookup: ReturnType<typeof makeLookupPipeline>;
  let save: ReturnType<typeof makeStorePipeline>;

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'vidflow-pipeline-'));
    media = join(root, 'media');
    mkdirSync(media);
    store = new ArtifactStore(root);
    cache = await createCache({ dir: join(root, 'cache') });
    lookup = makeLookupPipeline({ store, cache, mediaDir: media });
    save = makeStorePipeline({ store, cache, mediaDir: media });
  });
  afterEach(async () => {
    await cache.close();
    rmSync(root, { recursive: true, force: true });
  });

  const request = (input: Omit<VideoRequestInput, 'script'> = {}): VideoRequest => VideoRequestSchema.parse({ script: 'Hello there.', ...input });

  /** A finished video of `videoId` with `bytes` as its file, recorded for `req`. */
  async function finish(videoId: string, req: VideoRequest, bytes: string, startedAtMs?: number): Promise<void> {
    const path = store.video(videoId);
    await store.writeAtomic(path, bytes);
    const progress: VideoProgress = {
      stage: 'done',
      progress: 1,
      cacheHit: false,
      stages: initialStages(),
      result: { path, durationSeconds: 1, width: 2, height: 2, bytes: bytes.length },
    };
    await runActivity(save, { videoId, request: req, progress, startedAtMs });
  }
  const fileOf = (videoId: string) => readFileSync(store.resolve(store.video(videoId)), 'utf8');

  it('answers a repeated request with the earlier video, placed at the new id', async () => {
    writeFileSync(join(media, 'bg.png'), 'red picture');
    const req = request({ render: { background: { image: 'bg.png' } } });
    await finish('vid-1', req, 'video made with the red picture');
    const hit = await runActivity(lookup, { videoId: 'vid-2', request: req });
    expect(hit).toMatchObject({ cacheHit: true, result: { path: store.video('vid-2') } });
    expect(fileOf('vid-2')).toBe('video made with the red picture');
  });

  it('misses once a media file has other content under the same name, and hits again for the same content', async () => {
    writeFileSync(join(media, 'bg.png'), 'red picture');
    const req = request({ scenes: undefined, render: { background: { color: '#000000' }, music: { source: 'music.m4a' } } });
    writeFileSync(join(media, 'music.m4a'), 'song one');
    await finish('vid-1', req, 'video with song one');
    writeFileSync(join(media, 'music.m4a'), 'song two');
    expect(await runActivity(lookup, { videoId: 'vid-2', request: req })).toBeUndefined();
    writeFileSync(join(media, 'music.m4a'), 'song one');
    expect(await runActivity(lookup, { videoId: 'vid-3', request: req })).toMatchObject({ cacheHit: true });
  });

  it("covers scenes' own backgrounds too", async () => {
    writeFileSync(join(media, 'a.png'), 'a');
    const req = VideoRequestSchema.parse({ scenes: [{ text: 'One.' }, { text: 'Two.', background: { image: 'a.png' } }] });
    await finish('vid-1', req, 'video');
    writeFileSync(join(media, 'a.png'), 'b');
    expect(await runActivity(lookup, { videoId: 'vid-2', request: req })).toBeUndefined();
  });

  it('keys a URL by the URL itself, without fetching it', async () => {
    const req = request({ render: { background: { image: 'https://example.invalid/bg.png' } } });
    await finish('vid-1', req, 'video');
    expect(await runActivity(lookup, { videoId: 'vid-2', request: req })).toMatchObject({ cacheHit: true });
    const other = request({ render: { background: { image: 'https://example.invalid/other.png' } } });
    expect(await runActivity(lookup, { videoId: 'vid-3', request: other })).toBeUndefined();
  });

  it('neither looks up nor stores a request whose media cannot be read inside MEDIA_DIR (the render reports it)', async () => {
    const outside = join(root, 'secret.png');
    writeFileSync(outside, 'secret');
    symlinkSync(outside, join(media, 'link.png'));
    for (const image of ['missing.png', '../secret.png', outside, 'link.png', '/dev/zero']) {
      const req = request({ render: { background: { image } } });
      await finish('vid-1', req, 'video');
      expect(await runActivity(lookup, { videoId: 'vid-2', request: req })).toBeUndefined();
      expect(existsSync(store.resolve(store.video('vid-2')))).toBe(false);
    }
    expect((await cache.stats()).byStage.pipeline.entries).toBe(0);
  });

  it('does not store a video whose media changed after its run started', async () => {
    writeFileSync(join(media, 'bg.png'), 'replaced while rendering');
    const req = request({ render: { background: { image: 'bg.png' } } });
    await finish('vid-1', req, 'video made from the old picture', Date.now() - 60_000);
    expect((await cache.stats()).byStage.pipeline.entries).toBe(0);
    await finish('vid-1', req, 'video made from this picture', Date.now() + 1_000);
    expect((await cache.stats()).byStage.pipeline.entries).toBe(1);
  });

  it('honours cache.mode: refresh and bypass do not look up; bypass does not store', async () => {
    const req = request();
    await finish('vid-1', { ...req, cache: { mode: 'bypass' } }, 'video');
    expect((await cache.stats()).byStage.pipeline.entries).toBe(0);
    await finish('vid-1', req, 'video');
    expect(await runActivity(lookup, { videoId: 'vid-2', request: { ...req, cache: { mode: 'refresh' } } })).toBeUndefined();
    expect(await runActivity(lookup, { videoId: 'vid-2', request: { ...req, cache: { mode: 'bypass' } } })).toBeUndefined();
    expect((await cache.stats()).byStage.pipeline).toMatchObject({ hits: 0, misses: 0 });
  });
});
