import { log } from '@temporalio/activity';
import type { ArtifactCache, CacheHit, CacheStage } from '@vidflow/cache';
import type { CacheLogger } from '@vidflow/pipeline-cache';
import type { StageCacheOptions } from '@vidflow/contracts';

// The stage keys are shared with the API's pipeline lookup (libs/pipeline-cache).
export { PIPELINE_VERSION, STAGE_VERSIONS, stageKey } from '@vidflow/pipeline-cache';

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

/** The activity log; outside an activity (unit tests of the adapters) there is nothing to log to. */
export const activityLogger: CacheLogger = {
  warn(message, fields) {
    try {
      log.warn(message, fields);
    } catch {
      // not in an activity context
    }
  },
};

function warn(message: string, err: unknown): void {
  activityLogger.warn(message, { error: (err as Error)?.message });
}
