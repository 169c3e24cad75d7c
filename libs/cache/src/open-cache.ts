import type { ArtifactCache } from './artifact-cache';
import { createCache } from './create-cache';

/** The cache settings of vidflow's configuration (libs/config `config.cache`). */
export interface CacheSettings {
  dir: string;
  databaseUrl?: string;
  maxBytes: number;
  ttlSeconds: number;
  evictTo: number;
}

/** Opens the cache the API and the workers share, from vidflow's configuration. */
export function openCache(settings: CacheSettings): Promise<ArtifactCache> {
  return createCache({
    dir: settings.dir,
    databaseUrl: settings.databaseUrl,
    maxBytes: settings.maxBytes,
    defaultTtlSeconds: settings.ttlSeconds,
    evictToFraction: settings.evictTo,
  });
}
