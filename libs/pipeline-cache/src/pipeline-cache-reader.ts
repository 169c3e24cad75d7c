import { objectRef, type ArtifactCache, type CacheHit } from '@vidflow/cache';
import type { VideoProgress, VideoRequest } from '@vidflow/contracts';
import { requestMediaIdentity } from './request-media-identity';
import { stageKey } from './stage-keys';

/** Where the reader's warnings go: the activity log in a worker, the API's logger in the API. */
export interface CacheLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** A finished video of an identical earlier request, as the pipeline cache holds it. */
export interface PipelineHit {
  /** The finished video's status as it was recorded (its result's path is the earlier video's). */
  progress: VideoProgress & { result: NonNullable<VideoProgress['result']> };
  /**
   * The cache's own copy of the MP4: an absolute path, or with the cache's files in the bucket an objectRef() of
   * its object (valid on every host); placed at a new video's path by the worker (ArtifactStore.placeCachedFile).
   */
  videoFile: string;
  /** The cache's copy of its poster frame, the same way (absent in entries stored before posters, or when none was made). */
  posterFile?: string;
}

/**
 * The read side of the whole-pipeline cache, the one both the API (before it starts a run) and the worker's
 * pipeline-cache activity use: the key of a request and what the cache holds under it. It never writes: the
 * entry is stored by the worker once a video is finished (storePipeline), and a hit's file is placed by the
 * worker too. Failures of the cache itself are thrown to the caller, which decides (logs once, then lets the
 * run compute or look up again); a request whose local media cannot be read simply has no key.
 */
export class PipelineCacheReader {
  constructor(
    private readonly cache: ArtifactCache | undefined,
    /** Where relative media paths of requests resolve (config.mediaDir). */
    private readonly mediaDir: string,
  ) {}

  /**
   * The whole-pipeline key: everything in the request that shapes the video (not the cache options), and
   * what its media files are (local files by content, URLs by the URL), with the latest change time of those
   * files. Undefined when a local media file cannot be read: such a request is neither looked up nor stored.
   */
  async key(request: VideoRequest): Promise<{ key: string; changedAtMs: number } | undefined> {
    // Where the webhook goes does not shape the video: a repeat with another callbackUrl is still a hit.
    const { cache: _cache, callbackUrl: _callbackUrl, ...shape } = request;
    const identity = await requestMediaIdentity(request, this.mediaDir);
    if (!identity) return undefined;
    return { key: stageKey('pipeline', { request: shape, media: identity.media }), changedAtMs: identity.changedAtMs };
  }

  /** The finished video of an identical earlier request, or undefined (no cache, cache mode not `use`, a miss). */
  async lookup(request: VideoRequest): Promise<PipelineHit | undefined> {
    if (!this.cache || request.cache.mode !== 'use') return undefined;
    const key = await this.key(request);
    if (!key) return undefined;
    // No download: the hit's files are only handed on to be placed. With the cache's files in the bucket, they are
    // checked by a HEAD each (size, ETag, sha256 metadata; see BucketBlobStore) and placed by a server-side copy,
    // so a repeat costs no transfer of the video on the API host nor on the worker.
    const hit = await this.cache.get<{ progress: VideoProgress }>('pipeline', key.key, { download: false });
    const progress = hit?.value.progress;
    const videoFile = hit && fileOf(hit, 'video');
    if (!hit || !videoFile || !progress?.result) return undefined;
    const posterFile = fileOf(hit, 'poster');
    return { progress: progress as PipelineHit['progress'], videoFile, ...(posterFile ? { posterFile } : {}) };
  }
}

/** A file of a hit as placeCachedFile takes it: the bucket object's reference, else the local path. */
function fileOf(hit: CacheHit, name: string): string | undefined {
  const object = hit.objects?.[name];
  return object ? objectRef(object) : hit.files[name];
}

/**
 * The status of a video answered by a pipeline hit: the earlier video's, every stage a cache hit that took no
 * time, and its file at `path` (this video's own).
 */
export function repeatedProgress(hit: PipelineHit, path: string): VideoProgress {
  const { progress } = hit;
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
}
