import type { ArtifactCache } from './artifact-cache';
import type { CacheObjectStore } from './bucket-blob-store';
import { InvalidCacheInputError } from './cache-errors';
import { createCache } from './create-cache';

/** The cache settings of vidflow's configuration (libs/config `config.cache`). */
export interface CacheSettings {
  dir: string;
  databaseUrl?: string;
  maxBytes: number;
  ttlSeconds: number;
  evictTo: number;
  /**
   * Where the entries' files live: under `dir` (ARTIFACT_STORE=local), or in the artifact bucket beside the
   * finished videos (ARTIFACT_STORE=s3), `dir` then holding this host's verified copies. Default `local`.
   */
  files?: 'local' | 'bucket';
}

/**
 * Opens the cache the API and the workers share, from vidflow's configuration. `objects` is the artifact bucket
 * (openObjectStore(config) of libs/activities), required when `settings.files` is `bucket` and unused otherwise:
 * the caller passes it because this library keeps no S3 client of its own (see CacheObjectStore).
 */
export function openCache(settings: CacheSettings, objects?: CacheObjectStore): Promise<ArtifactCache> {
  if (settings.files === 'bucket' && !objects) {
    return Promise.reject(new InvalidCacheInputError('the cache keeps its files in the bucket (ARTIFACT_STORE=s3) but was given no object store'));
  }
  return createCache({
    dir: settings.dir,
    databaseUrl: settings.databaseUrl,
    maxBytes: settings.maxBytes,
    defaultTtlSeconds: settings.ttlSeconds,
    evictToFraction: settings.evictTo,
    ...(settings.files === 'bucket' ? { objects } : {}),
  });
}
