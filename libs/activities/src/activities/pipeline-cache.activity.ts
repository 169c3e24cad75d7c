import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { PlacePipelineHitInput, VideoProgress, VideoRequest } from '@vidflow/contracts';
import { PipelineCacheReader, repeatedProgress, type PipelineHit } from '@vidflow/pipeline-cache';
import { type ActivityDeps, mediaDirOf } from '../activity-deps';
import { activityLogger, StageCache } from './stage-cache';

export interface PipelineCacheInput {
  videoId: string;
  request: VideoRequest;
}

type PipelineDeps = Pick<ActivityDeps, 'store' | 'cache' | 'mediaDir'>;

function reader(deps: PipelineDeps): PipelineCacheReader {
  return new PipelineCacheReader(deps.cache, mediaDirOf(deps));
}

/**
 * Places a hit's MP4 at this video's path; undefined when the cache's copy is gone (evicted since the lookup).
 * Its poster frame goes beside it when the entry holds one (a repeat runs no ffmpeg: without one, no thumbnail).
 */
async function place(deps: Pick<PipelineDeps, 'store'>, videoId: string, hit: PipelineHit): Promise<VideoProgress | undefined> {
  const path = deps.store.video(videoId);
  try {
    await deps.store.placeCachedFile(hit.videoFile, path);
  } catch {
    return undefined; // make it again
  }
  if (hit.posterFile) await deps.store.placeCachedFile(hit.posterFile, deps.store.poster(videoId)).catch(() => undefined);
  return repeatedProgress(hit, path);
}

/**
 * A repeated request: the finished video of an identical earlier request, placed at this video's path.
 * Undefined on a miss, and when the cache fails (logged: the video is made as on a miss). Run as a local
 * activity, so a hit costs no task-queue round trip.
 */
export function makeLookupPipeline(deps: PipelineDeps) {
  const pipeline = reader(deps);
  return async function lookupPipeline(input: PipelineCacheInput): Promise<VideoProgress | undefined> {
    let hit: PipelineHit | undefined;
    try {
      hit = await pipeline.lookup(input.request);
    } catch (err) {
      activityLogger.warn('cache read failed (pipeline); computing instead', { error: (err as Error)?.message });
      return undefined;
    }
    return hit && place(deps, input.videoId, hit);
  };
}

/**
 * What the API's lookup found (PipelineCacheReader, read-only: the API writes no files), placed at this
 * video's path by the worker. Run as a local activity in the run's first workflow task: the repeat still
 * completes in one round trip. Undefined when the cache's copy is gone: the run makes the video.
 */
export function makePlacePipelineHit(deps: Pick<ActivityDeps, 'store'>) {
  return async function placePipelineHit(input: PlacePipelineHitInput): Promise<VideoProgress | undefined> {
    const { progress, videoFile, posterFile } = input;
    return place(deps, input.videoId, { progress: progress as PipelineHit['progress'], videoFile, ...(posterFile ? { posterFile } : {}) });
  };
}

export interface StorePipelineInput extends PipelineCacheInput {
  progress: VideoProgress;
  /** When the video's workflow run started (ms since the epoch); media changed since then is not trusted. */
  startedAtMs?: number;
}

/**
 * Records a finished video as the result of its request, for the next identical one. The media files are
 * hashed now, after the render: if one of them was replaced while the video was being made, this key (of
 * the new content) could name a video made from the old one, so nothing is stored.
 */
export function makeStorePipeline(deps: PipelineDeps) {
  const cache = new StageCache(deps.cache);
  const pipeline = reader(deps);
  return async function storePipeline(input: StorePipelineInput): Promise<void> {
    const result = input.progress.result;
    if (!result) throw ApplicationFailure.nonRetryable('storePipeline needs a finished video', 'BadInput');
    if (!deps.cache || input.request.cache.mode === 'bypass') return;
    const key = await pipeline.key(input.request);
    if (!key) return;
    if (input.startedAtMs !== undefined && key.changedAtMs >= input.startedAtMs) {
      log.warn('a media file changed while the video was made; its result is not cached for the whole pipeline', { videoId: input.videoId });
      return;
    }
    const options = { mode: input.request.cache.mode, ttlSeconds: input.request.cache.ttlSeconds };
    // With ARTIFACT_STORE=s3 the finished video and its poster are objects in the bucket (this activity may not even
    // run on the host that rendered them): the cache puts local files, so they come down into scratch first.
    const scratch = await deps.store.scratchDir(input.videoId, 'store-pipeline');
    try {
      let files: Record<string, string>;
      try {
        const video = (await deps.store.readableFile(result.path, scratch)) ?? deps.store.resolve(result.path); // missing: the write says so
        const poster = await deps.store.readableFile(deps.store.poster(input.videoId), scratch);
        files = { video, ...(poster ? { poster } : {}) };
      } catch (err) {
        // Like a failed cache write: the video is delivered, only not cached.
        activityLogger.warn('the finished video could not be read back from the bucket; it is not cached for the whole pipeline', { error: (err as Error)?.message });
        return;
      }
      await cache.write('pipeline', key.key, options, { progress: input.progress }, files);
    } finally {
      await deps.store.removeScratch(scratch);
    }
  };
}
