import { Context } from '@temporalio/activity';
import { CancelledFailure, ApplicationFailure } from '@temporalio/common';
import { ErrorTypes, MEDIA_LIBRARY_LAYOUT, type Background, type RenderHeartbeat, type WordTimeSource, type RenderVideoInput, type RenderVideoOutput } from '@vidflow/contracts';
import {
  type BackgroundRun,
  buildConcatList,
  buildRenderArgs,
  buildStyledCaptions,
  type CaptionCue,
  resolveCaptionStyle,
  type H264Encoder,
  type ProbeResult,
  type RenderMusic,
  SCENE_PAUSE_SECONDS,
  runRenderPlan,
} from '@vidflow/media';
import { join } from 'node:path';
import { type ActivityDeps, mediaDirOf } from '../activity-deps';
import { toFailure } from './failures';
import { fileContentHasher } from '@vidflow/pipeline-cache';
import { resolveMediaInput } from '../adapters/media-input/resolve-media-input';
import { commitPoster, extractPoster, placeCachedPoster } from './poster-frame';
import { StageCache, stageKey } from './stage-cache';

/** A rendered file whose duration is off by more than this is rejected rather than delivered. */
const DURATION_TOLERANCE = 0.02;

/**
 * A moving picture (Ken Burns, video backgrounds, cross-fades) is drawn by this many ffmpeg processes at once, each a
 * piece of the frames (buildRenderArgs `pieces`): ffmpeg 5.1 runs a filter graph on one thread, which left a core
 * half idle. WORKER_RENDER_CONCURRENCY defaults to one render per two cores, so two pieces keep a render's two cores
 * busy (bench/render.ts: three or four pieces were no faster on 2 cores).
 */
const MOVING_PICTURE_PIECES = 2;

/** While the cache copies or verifies a large MP4, heartbeats keep going at this interval (the timeout is 30 s). */
const CACHE_HEARTBEAT_MS = 5_000;

type RenderDeps = Pick<ActivityDeps, 'store' | 'ffmpeg' | 'renderPreset' | 'mediaDir' | 'renderCfr' | 'cache' | 'mediaDownload' | 'renderEncoder'>;

/** What a cached render keeps besides the MP4. */
interface CachedRender {
  durationSeconds: number;
  width: number;
  height: number;
  bytes: number;
  wordTimes?: WordTimeSource[];
  encoder?: string;
}

/**
 * Render stage: background(s), narration, music and burned-in captions (video and audio encoded at
 * once, then muxed: `buildRenderArgs`, `runRenderPlan`), checked with
 * ffprobe before it is moved into place. Media named in the request is resolved and decoded first, so
 * a bad file fails the video at once (non-retryable BadMedia naming the field) instead of after
 * retries. Heartbeats carry ffmpeg's progress (the API shows it) and are how Temporal notices a dead
 * worker and how cancellation reaches this attempt, which then kills ffmpeg.
 *
 * Cached by everything that shapes the file (renderCacheKey): once the media is resolved, a hit places the
 * cached MP4 at this video's path instead of running ffmpeg; a miss renders and stores the result.
 */
export function makeRenderVideo(deps: RenderDeps) {
  const cache = new StageCache(deps.cache);
  return async function renderVideo(input: RenderVideoInput): Promise<RenderVideoOutput> {
    const ctx = Context.current();
    const heartbeat = (progress: number) => ctx.heartbeat({ progress } satisfies RenderHeartbeat);
    heartbeat(0);
    const scratch = await deps.store.scratchDir(input.videoId, 'render');
    try {
      // Scene audio spoken on another host (ARTIFACT_STORE=s3) comes from the bucket first.
      await deps.store.fetchShared(input.scenes.flatMap((s) => [s.audioPath, ...(s.generatedImage ? [s.generatedImage.path] : [])]));
      const { render } = input;
      const durationSeconds = input.scenes.reduce((sum, s) => sum + s.durationSeconds, 0);
      const resolve = (ref: string, field: string, kind: 'image' | 'video' | 'audio') =>
        resolveMediaInput({
          ref,
          field,
          kind,
          mediaDir: mediaDirOf(deps),
          libraryDir: join(deps.store.root, MEDIA_LIBRARY_LAYOUT.root),
          ffmpeg: deps.ffmpeg,
          signal: ctx.cancellationSignal,
          // URLs are fetched into this attempt's scratch directory (removed below, whatever happens);
          // heartbeats keep flowing during a long download, and carry its cancellation.
          download: { ...deps.mediaDownload, dir: scratch, onProgress: () => heartbeat(0) },
        });

      const backgrounds = await resolveBackgrounds(input, resolve, (path) => deps.store.resolve(path));
      let music: RenderMusic | undefined;
      if (render.music) {
        const path = await resolve(render.music.source, 'render.music.source', 'audio');
        music = { path, volume: render.music.volume, duck: render.music.duck };
      }

      const cacheKey =
        input.cache?.mode === 'bypass' || !deps.cache ? undefined : await whileHeartbeating(heartbeat, () => renderCacheKey({ input, backgrounds, music, deps }));
      const videoPath = deps.store.video(input.videoId);
      if (cacheKey) {
        const hit = await whileHeartbeating(heartbeat, () => cache.read<CachedRender>('render', cacheKey, input.cache));
        if (hit?.files.video) {
          try {
            await deps.store.placeCachedFile(hit.files.video, videoPath);
            const cached = pickCachedRender(hit.value);
            await placeCachedPoster(deps, input.videoId, { poster: hit.files.poster, video: hit.files.video, durationSeconds: cached.durationSeconds }, scratch);
            heartbeat(1);
            return { path: videoPath, ...cached, cacheHit: true, attempt: ctx.info.attempt };
          } catch {
            // Evicted between lookup and link: render as on a miss.
          }
        }
      }

      const narrationList = await deps.store.writeScratchFile(scratch, 'narration.txt', buildConcatList(input.scenes.map((s) => deps.store.resolve(s.audioPath))));

      let captions: { subtitlesPath: string; cues: CaptionCue[] } | undefined;
      let wordTimes: WordTimeSource[] | undefined;
      if (render.captions) {
        const styled = buildStyledCaptions({
          scenes: input.scenes.map((s) => ({
            text: s.text,
            durationSeconds: s.durationSeconds,
            speechSeconds: s.durationSeconds - SCENE_PAUSE_SECONDS,
            ...(s.words ? { words: s.words } : {}),
            ...(s.words && s.wordSource ? { wordSource: s.wordSource } : {}),
          })),
          style: resolveCaptionStyle(render.captionOptions, { width: render.width, height: render.height }),
          width: render.width,
          height: render.height,
          language: input.language,
        });
        const subtitlesPath = await deps.store.writeScratchFile(scratch, 'captions.ass', styled.ass);
        captions = { subtitlesPath, cues: styled.events };
        wordTimes = styled.wordTimes;
      }

      const output = join(scratch, 'video.mp4');
      const planFor = (encoder: H264Encoder) => buildRenderArgs({
        width: render.width,
        height: render.height,
        fps: render.fps,
        durationSeconds,
        backgrounds,
        narrationList,
        captions,
        music,
        ...(render.transition ? { transition: render.transition } : {}),
        cfr: deps.renderCfr ?? false,
        preset: deps.renderPreset,
        encoder,
        pieces: MOVING_PICTURE_PIECES,
        output,
      });
      const run = (encoder: H264Encoder) =>
        runRenderPlan({ ffmpeg: deps.ffmpeg, plan: planFor(encoder), totalSeconds: durationSeconds, signal: ctx.cancellationSignal, onProgress: heartbeat });
      const encoder = (await deps.renderEncoder?.()) ?? 'libx264';
      let used: H264Encoder = encoder;
      try {
        await run(encoder);
      } catch (err) {
        // A hardware encoder that passed the start-up probe can still fail (driver reset, a size it refuses, the
        // GPU busy): this render is done again with libx264, within the same attempt, and the video never fails
        // for it. Cancellation is not retried.
        if (encoder === 'libx264' || ctx.cancellationSignal.aborted) throw err;
        ctx.log.warn('render failed with the hardware encoder; rendering with libx264', { encoder, error: (err as Error).message });
        used = 'libx264';
        await run('libx264');
      }
      const probe = await deps.ffmpeg.probe(output);
      checkOutput(probe, { width: render.width, height: render.height, durationSeconds });
      const file: CachedRender = {
        durationSeconds: round(probe.durationSeconds),
        width: render.width,
        height: render.height,
        bytes: probe.bytes,
        ...(wordTimes ? { wordTimes } : {}),
        encoder: used,
      };
      const poster = await extractPoster(deps, output, file.durationSeconds, scratch);
      // Cached before the move (the cache links or copies the file in), so the entry never points at a moved file.
      if (cacheKey) await whileHeartbeating(heartbeat, () => cache.write('render', cacheKey, input.cache, file, { video: output, ...(poster ? { poster } : {}) }), 1);
      await deps.store.commit(output, videoPath);
      await commitPoster(deps, input.videoId, poster);
      heartbeat(1);
      return { path: videoPath, ...file, cacheHit: false, attempt: ctx.info.attempt };
    } catch (err) {
      if (ctx.cancellationSignal.aborted) throw new CancelledFailure('render cancelled');
      throw toFailure(err);
    } finally {
      await deps.store.removeScratch(scratch);
    }
  };
}

/**
 * The render stage's cache key: everything that shapes the MP4. The frame settings, the language (caption
 * segmentation), every scene's text, measured duration and the content of its audio, the background runs
 * and music with each media file by the sha256 of its content (so a file replaced under the same name, or a
 * URL whose download changed, is a new key, and the same file under another name is the same key), the
 * frame-rate mode and the x264 preset. Not the video id: any video with the same inputs shares the file.
 * Hashes are remembered per file while it is unchanged (FileContentHasher), so a large background video
 * is read once, not once per render.
 */
export async function renderCacheKey(o: {
  input: RenderVideoInput;
  backgrounds: BackgroundRun[];
  music: RenderMusic | undefined;
  deps: Pick<RenderDeps, 'store' | 'renderCfr' | 'renderPreset'>;
}): Promise<string> {
  const sha = async (path: string) => `sha256:${await fileContentHasher.sha256(path)}`;
  const { render } = o.input;
  const scenes = [];
  for (const scene of o.input.scenes) {
    scenes.push({
      text: scene.text,
      durationSeconds: scene.durationSeconds,
      words: scene.words ?? null,
      // Only when set, so that the keys of renders made before alignment stay what they were.
      ...(scene.wordSource ? { wordSource: scene.wordSource } : {}),
      audio: await sha(o.deps.store.resolve(scene.audioPath)),
    });
  }
  const backgrounds = [];
  for (const run of o.backgrounds) {
    const bg = run.background;
    const identity =
      'color' in bg
        ? { color: bg.color }
        : 'image' in bg
          ? { image: await sha(bg.image), ...(bg.motion ? { motion: bg.motion } : {}) }
          : { video: await sha(bg.video) };
    backgrounds.push({ startSeconds: run.startSeconds, background: identity });
  }
  return stageKey('render', {
    width: render.width,
    height: render.height,
    fps: render.fps,
    captions: render.captions,
    captionOptions: render.captionOptions ?? null,
    language: o.input.language,
    scenes,
    backgrounds,
    music: o.music ? { audio: await sha(o.music.path), volume: o.music.volume, duck: o.music.duck } : null,
    cfr: o.deps.renderCfr ?? false,
    preset: o.deps.renderPreset,
    // Only when set, so renders from before transitions keep their keys.
    ...(render.transition ? { transition: render.transition } : {}),
  });
}

function pickCachedRender(value: CachedRender): CachedRender {
  return {
    durationSeconds: value.durationSeconds,
    width: value.width,
    height: value.height,
    bytes: value.bytes,
    ...(value.wordTimes ? { wordTimes: value.wordTimes } : {}),
    ...(value.encoder ? { encoder: value.encoder } : {}),
  };
}

/** Runs `work` with a heartbeat every few seconds: copying or verifying a large MP4 must not look like a dead worker. */
async function whileHeartbeating<T>(heartbeat: (progress: number) => void, work: () => Promise<T>, progress = 0): Promise<T> {
  const timer = setInterval(() => heartbeat(progress), CACHE_HEARTBEAT_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/**
 * Each scene's background (its generated image, else its own, else the request's) as runs of consecutive scenes
 * sharing one (a Ken Burns image is a run per scene), with every image and video resolved once under MEDIA_DIR.
 * A generated image is a run file this video's own activity wrote and checked: it is taken from the store as is.
 */
async function resolveBackgrounds(
  input: RenderVideoInput,
  resolve: (ref: string, field: string, kind: 'image' | 'video') => Promise<string>,
  runFile: (path: string) => string,
): Promise<BackgroundRun[]> {
  const resolved = new Map<string, Promise<string>>();
  const local = (ref: string, field: string, kind: 'image' | 'video') => {
    const key = `${kind}:${ref}`;
    if (!resolved.has(key)) resolved.set(key, resolve(ref, field, kind));
    return resolved.get(key)!;
  };
  const runs: Array<BackgroundRun & { key: string }> = [];
  let start = 0;
  for (const [i, scene] of input.scenes.entries()) {
    const generated = scene.generatedImage;
    const own = scene.background !== undefined;
    const bg: Background = generated ? { image: generated.path, ...(generated.motion ? { motion: generated.motion } : {}) } : (scene.background ?? input.render.background);
    const field = own ? `scenes.${i}.background` : 'render.background';
    // A moving image starts a new run (a new move) at every scene, even when the image is the same.
    const key = `${generated ? 'generated:' : ''}${'image' in bg && bg.motion === 'kenburns' ? `${JSON.stringify(bg)}#${i}` : JSON.stringify(bg)}`;
    if (runs.at(-1)?.key !== key) {
      const background =
        'color' in bg
          ? { color: bg.color }
          : 'image' in bg
            ? {
                image: generated ? runFile(generated.path) : await local(bg.image, `${field}.image`, 'image'),
                ...(bg.motion === 'kenburns' ? { motion: 'kenburns' as const } : {}),
              }
            : { video: await local(bg.video, `${field}.video`, 'video') };
      runs.push({ key, background, startSeconds: start });
    }
    start += scene.durationSeconds;
  }
  if (runs.length === 0) {
    throw ApplicationFailure.create({ type: ErrorTypes.BadInput, message: 'render: a video needs at least one scene', nonRetryable: true });
  }
  return runs.map(({ background, startSeconds }) => ({ background, startSeconds }));
}

/** The delivered file must be what was asked for: H.264 at the right size, AAC, and the narration's length. */
export function checkOutput(probe: ProbeResult, expected: { width: number; height: number; durationSeconds: number }): void {
  const video = probe.streams.find((s) => s.type === 'video');
  const audio = probe.streams.find((s) => s.type === 'audio');
  const problems: string[] = [];
  if (video?.codec !== 'h264') problems.push(`video codec ${video?.codec ?? 'missing'}, expected h264`);
  if (video && (video.width !== expected.width || video.height !== expected.height)) {
    problems.push(`frame ${video.width}x${video.height}, expected ${expected.width}x${expected.height}`);
  }
  if (audio?.codec !== 'aac') problems.push(`audio codec ${audio?.codec ?? 'missing'}, expected aac`);
  const drift = Math.abs(probe.durationSeconds - expected.durationSeconds) / Math.max(expected.durationSeconds, 0.001);
  if (drift > DURATION_TOLERANCE) {
    problems.push(`duration ${probe.durationSeconds.toFixed(2)}s, expected ${expected.durationSeconds.toFixed(2)}s`);
  }
  if (problems.length) {
    throw ApplicationFailure.create({
      type: ErrorTypes.RenderFailed,
      message: `rendered file failed its check: ${problems.join('; ')}`,
      nonRetryable: true,
    });
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
