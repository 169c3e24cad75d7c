import { MockActivityEnvironment } from '@temporalio/testing';
import { type ArtifactCache, createCache } from '@vidflow/cache';
import type { RenderHeartbeat, RenderVideoInput, RenderVideoOutput, ResolvedRender, StageCacheOptions } from '@vidflow/contracts';
import { type FfmpegSpec, FfmpegRunner } from '@vidflow/media';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactStore } from '../adapters/artifact-store/artifact-store';
import { placeCachedPoster } from './poster-frame';
import { makeRenderVideo } from './render-video.activity';

// Real ffmpeg renders: a second or two each, more on a loaded 2-core machine.
jest.setTimeout(120_000);

/** Counts finished renders: the mux is the last ffmpeg of a render and the only one writing `video.mp4`. */
class CountingFfmpeg extends FfmpegRunner {
  renders = 0;
  override async run(spec: FfmpegSpec, opts?: Parameters<FfmpegRunner['run']>[1]): Promise<void> {
    await super.run(spec, opts);
    if (spec.output.endsWith('/video.mp4')) this.renders++;
  }
}

const render: ResolvedRender = { width: 160, height: 284, fps: 10, captions: true, background: { image: 'bg.png' } };

describe('renderVideo with the render-stage cache', () => {
  let root: string;
  let media: string;
  let store: ArtifactStore;
  let cache: ArtifactCache;
  let ffmpeg: CountingFfmpeg;
  const make = (args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
  const picture = (colour: string, file: string) => make(['-f', 'lavfi', '-i', `color=c=${colour}:s=64x64`, '-frames:v', '1', file]);
  const tone = (hz: number, file: string) => make(['-f', 'lavfi', '-i', `sine=f=${hz}:d=1`, '-ar', '48000', '-ac', '1', file]);

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'vidflow-render-cache-'));
    media = join(root, 'media');
    mkdirSync(media);
    store = new ArtifactStore(root);
    cache = await createCache({ dir: join(root, 'cache') });
    ffmpeg = new CountingFfmpeg({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' });
    picture('red', join(media, 'bg.png'));
    picture('blue', join(media, 'blue.png'));
  });
  afterAll(async () => {
    await cache.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** Renders video `videoId` of two 1 s scenes whose speech is made fresh (the same tones) for each video. */
  async function renderAs(
    videoId: string,
    o: { render?: ResolvedRender; cache?: StageCacheOptions; preset?: string; cfr?: boolean; hz?: number } = {},
  ): Promise<{ out: RenderVideoOutput; heartbeats: number[] }> {
    const scenes = [];
    for (const [index, text] of ['One red picture.', 'Still red.'].entries()) {
      const audioPath = store.sceneAudio(videoId, index);
      mkdirSync(join(root, 'work', videoId), { recursive: true });
      tone((o.hz ?? 440) + index * 110, store.resolve(audioPath));
      scenes.push({ text, audioPath, durationSeconds: 1 });
    }
    const input: RenderVideoInput = { videoId, scenes, language: 'en', render: o.render ?? render, cache: o.cache };
    const renderVideo = makeRenderVideo({ store, ffmpeg, cache, mediaDir: media, renderPreset: o.preset ?? 'ultrafast', renderCfr: o.cfr });
    const env = new MockActivityEnvironment();
    const heartbeats: number[] = [];
    env.on('heartbeat', (d: RenderHeartbeat) => heartbeats.push(d.progress));
    const out = (await env.run(renderVideo, input)) as RenderVideoOutput;
    return { out, heartbeats };
  }
  const bytesOf = (out: RenderVideoOutput) => readFileSync(store.resolve(out.path));
  const renderStats = async () => (await cache.stats()).byStage.render;

  it('renders once; another video with the same inputs gets the same file without running ffmpeg', async () => {
    const first = await renderAs('vid-a');
    expect(first.out).toMatchObject({ path: 'videos/vid-a.mp4', cacheHit: false, width: 160, height: 284 });
    expect(ffmpeg.renders).toBe(1);

    const second = await renderAs('vid-b');
    expect(second.out).toEqual({ ...first.out, path: 'videos/vid-b.mp4', cacheHit: true });
    expect(ffmpeg.renders).toBe(1);
    expect(bytesOf(second.out).equals(bytesOf(first.out))).toBe(true);
    expect(second.heartbeats.at(-1)).toBe(1);
    expect(await renderStats()).toMatchObject({ entries: 1, hits: 1, misses: 1 });
  });

  it('writes a poster frame beside each MP4 (a JPEG 320 px wide), and a cache hit places the cached one', async () => {
    const poster = (id: string) => store.resolve(store.poster(id));
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', poster('vid-a')]).toString()) as {
      streams: Array<{ codec_name: string; width: number; height: number }>;
    };
    expect(probe.streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 320 });
    // 160x284 scaled to 320 wide keeps the aspect (rounded to an even height).
    expect(Math.abs(probe.streams[0]!.height - 568)).toBeLessThanOrEqual(1);
    expect(readFileSync(poster('vid-b')).equals(readFileSync(poster('vid-a')))).toBe(true);
    // An entry without a poster (stored before posters existed): the frame is taken from the cached MP4.
    const scratch = await store.scratchDir('vid-n', 'poster');
    await placeCachedPoster({ store, ffmpeg }, 'vid-n', { video: store.resolve('videos/vid-a.mp4'), durationSeconds: 2 }, scratch);
    expect(readFileSync(poster('vid-n')).subarray(0, 2).toString('hex')).toBe('ffd8'); // a JPEG
  });

  it('keys media by content: a new picture under the same name misses, the same picture under another name hits', async () => {
    const before = ffmpeg.renders;
    copyFileSync(join(media, 'bg.png'), join(media, 'red-copy.png'));
    expect((await renderAs('vid-c', { render: { ...render, background: { image: 'red-copy.png' } } })).out.cacheHit).toBe(true);

    copyFileSync(join(media, 'blue.png'), join(media, 'bg.png'));
    const changed = await renderAs('vid-d');
    expect(changed.out.cacheHit).toBe(false);
    expect(ffmpeg.renders).toBe(before + 1);
    picture('red', join(media, 'bg.png'));
  });

  it('misses when the speech, the preset or the frame-rate mode differ', async () => {
    const before = ffmpeg.renders;
    expect((await renderAs('vid-e', { hz: 300 })).out.cacheHit).toBe(false);
    expect((await renderAs('vid-f', { preset: 'superfast' })).out.cacheHit).toBe(false);
    expect((await renderAs('vid-g', { cfr: true })).out.cacheHit).toBe(false);
    expect(ffmpeg.renders).toBe(before + 3);
  });

  it('refresh renders again and replaces the entry; bypass neither reads nor writes', async () => {
    await renderAs('vid-h');
    const stats = await renderStats();
    const before = ffmpeg.renders;

    expect((await renderAs('vid-i', { cache: { mode: 'refresh' } })).out.cacheHit).toBe(false);
    expect(ffmpeg.renders).toBe(before + 1);
    expect(await renderStats()).toMatchObject({ entries: stats.entries, hits: stats.hits, misses: stats.misses });

    expect((await renderAs('vid-j', { cache: { mode: 'bypass' } })).out.cacheHit).toBe(false);
    expect(ffmpeg.renders).toBe(before + 2);
    expect(await renderStats()).toMatchObject({ entries: stats.entries, hits: stats.hits, misses: stats.misses });

    expect((await renderAs('vid-k')).out.cacheHit).toBe(true);
  });

  it('renders when the cached file was evicted', async () => {
    await renderAs('vid-l', { hz: 500 });
    await cache.invalidateStage('render');
    const before = ffmpeg.renders;
    expect((await renderAs('vid-m', { hz: 500 })).out.cacheHit).toBe(false);
    expect(ffmpeg.renders).toBe(before + 1);
  });
});
