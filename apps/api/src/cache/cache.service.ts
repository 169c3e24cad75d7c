import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type ArtifactCache, CACHE_STAGES, type CacheStage, type CacheStats, type CleanupResult, isCacheKey } from '@vidflow/cache';
import type { CACHE_STAGE_NAMES } from '@vidflow/contracts';
import { z } from 'zod';
import { NotFoundError, ValidationFailedError } from '../common/api-errors';
import { validate } from '../common/zod-validation';
import { CACHE } from '../tokens';

// The stages the OpenAPI document's CacheStats names (libs/contracts) are the cache's, both ways: a new stage fails here.
type ContractStage = (typeof CACHE_STAGE_NAMES)[number];
const sameStages: [CacheStage] extends [ContractStage] ? ([ContractStage] extends [CacheStage] ? true : false) : false = true;
void sameStages;

/** `?stage=` of DELETE /api/cache (the OpenAPI document's parameter comes from it too). */
export const CacheStageQuerySchema = z.strictObject({ stage: z.enum(CACHE_STAGES) });

/** The cache API: statistics and invalidation over the same store the workers use. */
@Injectable()
export class CacheService implements OnApplicationShutdown {
  constructor(@Inject(CACHE) private readonly cache: ArtifactCache) {}

  stats(): Promise<CacheStats> {
    return this.cache.stats();
  }

  async invalidate(key: string): Promise<{ removed: number }> {
    if (!isCacheKey(key)) {
      throw new ValidationFailedError(`key: "${key}" is not a cache key (64 hex digits)`, [{ field: 'key', message: 'not a cache key' }]);
    }
    if (!(await this.cache.invalidate(key))) throw new NotFoundError(`no cache entry ${key}`);
    return { removed: 1 };
  }

  invalidateStage(query: unknown): Promise<CleanupResult> {
    return this.cache.invalidateStage(validate(CacheStageQuerySchema, query, 'query').stage);
  }

  /** Drops expired entries now, then evicts least recently used ones if the store is over its size limit. */
  async cleanup(): Promise<CleanupResult> {
    const expired = await this.cache.cleanupExpired();
    const evicted = await this.cache.evictIfNeeded();
    return { removed: expired.removed + evicted.removed, bytesFreed: expired.bytesFreed + evicted.bytesFreed };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cache.close();
  }
}
