import { log } from '@temporalio/activity';
import { cacheKey, type ArtifactCache, type CacheHit, type CacheStage } from '@vidflow/cache';
import type { StageCacheOptions } from '@vidflow/contracts';

/**
 * Per-stage versions of what each stage produces. Bump one when its output for the same inputs changes
 * (a new renderer, a new loudness target): only that stage's entries stop matching. The pipeline's
 * version includes the others, so any change invalidates whole-pipeline results too.
 */
export const STAGE_VERSIONS = { script: 1, tts: 1, render: 1 } as const;
// The last part is the pipeline key's own version: 2 since the key holds the request's media files' content.
export const PIPELINE_VERSION = `${STAGE_VERSIONS.script}.${STAGE_VERSIONS.tts}.${STAGE_VERSIONS.render}.2`;

export function stageKey(stage: CacheStage, inputs: unknown): string {
  const version = stage === 'pipeline' ? PIPELINE_VERSION : STAGE_VERSIONS[stage];
  return cacheKey({ stage, version, inputs });
}

/**
 * The cache as the activities use it: honours `cache.mode` and never fails a video. The cache is an
 * optimisation; a full disk or a database hiccup is logged and the stage computes as if it had missed.
 */
export class StageCache {
  constructor(private readonly cache: ArtifactCache | undefined) {}

  async read<V>(stage: CacheStage, key: string, options: StageCacheOptions | undefined): Promise<CacheHit<V> | undefined> {
    if (!this.cache || (options?.mode ?? 'use') !== 'use') return undefined;
    try {
      return await this.cache.get<V>(stage, key);
    } catch (err) {
      warn(`cache read failed (${stage}); computing instead`, err);
      return undefined;
    }
  }

  async write(stage: CacheStage, key: string, options: StageCacheOptions | undefined, value: unknown, files?: Record<string, string>): Promise<void> {
    if (!this.cache || options?.mode === 'bypass') return;
    try {
      await this.cache.put({ stage, key, value, files, ttlSeconds: options?.ttlSeconds });
    } catch (err) {
      warn(`cache write failed (${stage}); the result is delivered but not cached`, err);
    }
  }
}

function warn(message: string, err: unknown): void {
  try {
    log.warn(message, { error: (err as Error)?.message });
  } catch {
    // outside an activity context (unit tests): nothing to log to
  }
}
