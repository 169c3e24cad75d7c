import { ApplicationFailure } from '@temporalio/common';
import type { StageCacheOptions, VideoProgress, VideoRequest } from '@vidflow/contracts';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ActivityDeps } from './activity-deps';
import { placeCachedFile, StageCache, stageKey } from './stage-cache';

export interface PipelineCacheInput {
  videoId: string;
  request: VideoRequest;
}

/** The whole-pipeline key: everything in the request that shapes the video (not the cache options). */
function pipelineKey(request: VideoRequest): string {
  const { cache: _cache, ...shape } = request;
  return stageKey('pipeline', shape);
}

function cacheOptions(request: VideoRequest): StageCacheOptions {
  return { mode: request.cache.mode, ttlSeconds: request.cache.ttlSeconds };
}

/**
 * A repeated request: the finished video of an identical earlier request, placed at this video's path.
 * Undefined on a miss. Run as a local activity, so a hit costs no task-queue round trip.
 */
export function makeLookupPipeline(deps: Pick<ActivityDeps, 'store' | 'cache'>) {
  const cache = new StageCache(deps.cache);
  return async function lookupPipeline(input: PipelineCacheInput): Promise<VideoProgress | undefined> {
    const hit = await cache.read<{ progress: VideoProgress }>('pipeline', pipelineKey(input.request), cacheOptions(input.request));
    const progress = hit?.value.progress;
    if (!hit?.files.video || !progress?.result) return undefined;
    const path = deps.store.video(input.videoId);
    try {
      await mkdir(dirname(deps.store.resolve(path)), { recursive: true });
      await placeCachedFile(hit.files.video, deps.store.resolve(path));
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

/** Records a finished video as the result of its request, for the next identical one. */
export function makeStorePipeline(deps: Pick<ActivityDeps, 'store' | 'cache'>) {
  const cache = new StageCache(deps.cache);
  return async function storePipeline(input: PipelineCacheInput & { progress: VideoProgress }): Promise<void> {
    const result = input.progress.result;
    if (!result) throw ApplicationFailure.nonRetryable('storePipeline needs a finished video', 'BadInput');
    await cache.write('pipeline', pipelineKey(input.request), cacheOptions(input.request), { progress: input.progress }, {
      video: deps.store.resolve(result.path),
    });
  };
}
