import { join } from 'node:path';
import { ArtifactCache } from './artifact-cache';
import { LocalBlobStore, type BlobStore } from './blob-store';
import { BucketBlobStore, type CacheObjectStore } from './bucket-blob-store';
import { InvalidCacheInputError } from './cache-errors';
import { EmbeddedMetadataStore } from './embedded-metadata-store';
import { PostgresMetadataStore } from './postgres-metadata-store';

export interface CreateCacheOptions {
  /**
   * Where files (and, without databaseUrl, the metadata) live, e.g. `${DATA_DIR}/cache`. With `objects`, the
   * files live in the bucket and this directory holds this host's verified copies of them.
   */
  dir: string;
  /**
   * Keeps the entries' files in this bucket (BucketBlobStore) instead of under `dir`: with databaseUrl, hosts
   * that share nothing but the network share one cache.
   */
  objects?: CacheObjectStore;
  /** Where the entries' objects go in the bucket (default `cache/`). */
  objectPrefix?: string;
  /** With `objects`: a local copy unused for this long is deleted by cleanupExpired() (default 1 day, wall clock). */
  localCopyMaxIdleMs?: number;
  /** PostgreSQL metadata for several machines sharing `dir`; embedded files under `dir` when unset. */
  databaseUrl?: string;
  /** PostgreSQL schema of the cache tables (default `vidflow_cache`). */
  databaseSchema?: string;
  /** Default 10 GiB. */
  maxBytes?: number;
  /** Default 7 days. */
  defaultTtlSeconds?: number;
  /** Default 0.9: eviction brings the store down to 90% of maxBytes. */
  evictToFraction?: number;
  now?: () => number;
  /** Files of crashed puts older than this are removed by cleanupExpired() (default 1 hour, wall clock). */
  tempMaxAgeMs?: number;
  /** How long a process waits for the embedded backend's metadata lock (default 15 s). */
  lockTimeoutMs?: number;
  /** Put files as hard links to their sources where the filesystem allows (default true); false always copies. Local files only. */
  linkFiles?: boolean;
}

export const CACHE_DEFAULTS = {
  maxBytes: 10 * 1024 ** 3,
  defaultTtlSeconds: 7 * 24 * 60 * 60,
  evictToFraction: 0.9,
} as const;

/**
 * Opens (creating what is missing) the cache under `dir`, with PostgreSQL metadata when databaseUrl is set and its
 * files in a bucket when `objects` is.
 */
export async function createCache(options: CreateCacheOptions): Promise<ArtifactCache> {
  const maxBytes = options.maxBytes ?? CACHE_DEFAULTS.maxBytes;
  const defaultTtlSeconds = options.defaultTtlSeconds ?? CACHE_DEFAULTS.defaultTtlSeconds;
  const evictToFraction = options.evictToFraction ?? CACHE_DEFAULTS.evictToFraction;
  if (!options.dir) throw new InvalidCacheInputError('createCache needs a directory');
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
    throw new InvalidCacheInputError(`maxBytes must be a positive integer, got ${maxBytes}`);
  }
  if (!(defaultTtlSeconds > 0) || !Number.isFinite(defaultTtlSeconds)) {
    throw new InvalidCacheInputError(`defaultTtlSeconds must be a positive number, got ${defaultTtlSeconds}`);
  }
  if (!(evictToFraction > 0 && evictToFraction <= 1)) {
    throw new InvalidCacheInputError(`evictToFraction must be in (0, 1], got ${evictToFraction}`);
  }
  const blobs: BlobStore = options.objects
    ? new BucketBlobStore({ dir: options.dir, objects: options.objects, prefix: options.objectPrefix, localCopyMaxIdleMs: options.localCopyMaxIdleMs })
    : new LocalBlobStore(options.dir, options.linkFiles ?? true);
  let store;
  if (options.databaseUrl) {
    store = new PostgresMetadataStore({ databaseUrl: options.databaseUrl, schema: options.databaseSchema });
    try {
      await store.init();
    } catch (error) {
      await store.close();
      throw error;
    }
  } else {
    store = new EmbeddedMetadataStore({ dir: options.dir, lockTimeoutMs: options.lockTimeoutMs });
    await store.init();
  }
  return new ArtifactCache({ store, blobs, maxBytes, defaultTtlSeconds, evictToFraction, now: options.now, tempMaxAgeMs: options.tempMaxAgeMs });
}

/** The conventional location under the artifact store. */
export function defaultCacheDir(dataDir: string): string {
  return join(dataDir, 'cache');
}
