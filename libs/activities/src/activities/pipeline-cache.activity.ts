import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { StageCacheOptions, VideoProgress, VideoRequest } from '@vidflow/contracts';
import { join } from 'node:path';
import type { ActivityDeps } from '../activity-deps';
import { requestMediaIdentity } from '../adapters/media-input/request-media-identity';
import { StageCache, stageKey } from './stage-cache';

export interface PipelineCacheInput {
  videoId: string;
  request: VideoRequest;
}

type PipelineDeps = Pick<ActivityDeps, 'store' | 'cache' | 'mediaDir'>;

/**
 * The whole-pipeline key: everything in the request that shapes the video (not the cache options), and
 * what its media files are (requestMediaIdentity: local files by content, URLs by the URL). Undefined when
 * a local media file cannot be read: such a request is neither looked up nor stored.
 */
async function pipelineKey(deps: PipelineDeps, request: VideoRequest): Promise<{ key: string; changedAtMs: number } | undefined> {
  const { cache: _cache, ...shape } = request;
  const identity = await requestMediaIdentity(request, deps.mediaDir ?? join(deps.store.root, 'media'));
  if (!identity) return undefined;
  return { key: stageKey('pipeline', { request: shape, media: identity.media }), changedAtMs: identity.changedAtMs };
}

function cacheOptions(request: VideoRequest): StageCacheOptions {
  return { mode: request.cache.mode, ttlSeconds: request.cache.ttlSeconds };
}

/**
 * A repeated request: the finished video of an identical earlier request, placed at this video's path.
 * Undefined on a miss. Run as a local activity, so a hit costs no task-queue round trip.
 */
export function makeLookupPipeline(deps: PipelineDeps) {
  const cache = new StageCache(deps.cache);
  return async function lookupPipeline(input: PipelineCacheInput): Promise<VideoProgress | undefined> {
    if (!deps.cache || input.request.cache.mode !== 'use') return undefined;
    const key = await pipelineKey(deps, input.request);
    if (!key) return undefined;
    const hit = await cache.read<{ progress: VideoProgress }>('pipeline', key.key, cacheOptions(input.request));
    const progress = hit?.value.progress;
    if (!hit?.files.video || !progress?.result) return undefined;
    const path = deps.store.video(input.videoId);
    try {
      await deps.store.placeCachedFile(hit.files.video, path);
    } catch {
      return undefined; // evicted since the lookup: make it again
    }
    const { stages } = progress;
    return {
      ...progress,
      cacheHit: true,
      stages: {
        script: { ...stages.script, cacheHit: true, seconds: 0 },
        tts: { ...stages.tts, cacheHits: stages.tts.total, seconds: 0 },
        render: { ...stages.render, cacheHit: true, attempt: 1, seconds: 0 },
      },
      result: { ...progress.result, path },
    };
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
  return async function storePipeline(input: StorePipelineInput): Promise<void> {
    const result = input.progress.result;
    if (!result) throw ApplicationFailure.nonRetryable('storePipeline needs a finished video', 'BadInput');
    if (!deps.cache || input.request.cache.mode === 'bypass') return;
    const key = await pipelineKey(deps, input.request);
    if (!key) return;
    if (input.startedAtMs !== undefined && key.changedAtMs >= input.startedAtMs) {
      log.warn('a media file changed while the video was made; its result is not cached for the whole pipeline', { videoId: input.videoId });
      return;
    }
    await cache.write('pipeline', key.key, cacheOptions(input.request), { progress: input.progress }, {
      video: deps.store.resolve(result.path),
    });
  };
}
