import type { ActivityDeps } from '../activity-deps';

/** Cache housekeeping, run by a Temporal schedule: drop expired entries, then evict over the size limit. */
export function makeMaintainCache(deps: Pick<ActivityDeps, 'cache'>) {
  return async function maintainCache(): Promise<{ removed: number; bytesFreed: number }> {
    if (!deps.cache) return { removed: 0, bytesFreed: 0 };
    const expired = await deps.cache.cleanupExpired();
    const evicted = await deps.cache.evictIfNeeded();
    return { removed: expired.removed + evicted.removed, bytesFreed: expired.bytesFreed + evicted.bytesFreed };
  };
}
