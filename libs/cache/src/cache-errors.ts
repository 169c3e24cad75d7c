/** Base class of every error this library throws, so callers can tell cache failures from their own. */
export class CacheError extends Error {
  override name = 'CacheError';
}

/**
 * The caller passed something the cache cannot store or look up: a malformed key, an unknown stage, a value
 * that is not JSON, an unsafe file name, a source file that does not exist. Retrying does not help.
 */
export class InvalidCacheInputError extends CacheError {
  override name = 'InvalidCacheInputError';
}

/**
 * Another process held the metadata lock for longer than the wait allowed. Worth retrying: the holder is alive
 * (a dead holder's lock is taken over), just slow.
 */
export class CacheLockTimeoutError extends CacheError {
  override name = 'CacheLockTimeoutError';
  constructor(
    readonly lockPath: string,
    readonly waitedMs: number,
  ) {
    super(`cache lock ${lockPath} still held by another process after ${waitedMs} ms`);
  }
}

/** The metadata store (files under the cache directory, or PostgreSQL) failed. `cause` holds the original error. */
export class CacheStoreError extends CacheError {
  override name = 'CacheStoreError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The cache was used after `close()`. */
export class CacheClosedError extends CacheError {
  override name = 'CacheClosedError';
  constructor() {
    super('the cache is closed');
  }
}
