import { randomUUID } from 'node:crypto';
import type { BlobStore, CachedObject } from './blob-store';
import { CacheClosedError, InvalidCacheInputError } from './cache-errors';
import { assertCacheKey } from './cache-key';
import { CACHE_STAGES, isCacheStage, type CacheStage } from './cache-stage';
import type { EntryRecord, MetadataStore, RemovedEntry, StageTotals } from './metadata-store';

export interface CacheHit<V = unknown> {
  key: string;
  stage: CacheStage;
  value: V;
  /**
   * Absolute paths of the entry's files, checked against their sha256 just now. They stay readable until the
   * entry is evicted, invalidated or replaced: copy or hard-link them, and treat ENOENT as a miss.
   */
  files: Record<string, string>;
  /**
   * With the cache's files in a bucket and `get(..., { download: false })`: the objects holding the files, their
   * size, ETag and sha256 metadata checked against the record just now (`files` is then empty). Pass them on with
   * objectRef().
   */
  objects?: Record<string, CachedObject>;
  bytes: number;
  createdAt: number;
  expiresAt: number;
}

export interface CachePutOptions {
  stage: CacheStage;
  key: string;
  /** Any JSON value: scenes, durations, a probe result. */
  value: unknown;
  /** Files by name (letters, digits, `.`, `_`, `-`); each is copied into the store, the source stays. */
  files?: Record<string, string>;
  /** Overrides the cache's default time to live for this entry. */
  ttlSeconds?: number;
}

export interface CleanupResult {
  removed: number;
  bytesFreed: number;
}

/** The shape of GET /api/cache/stats. Hits and misses count since the store was created, across processes. */
export interface CacheStats {
  entries: number;
  bytes: number;
  maxBytes: number;
  hits: number;
  misses: number;
  hitRate: number;
  byStage: Record<CacheStage, StageTotals>;
}

export interface ArtifactCacheOptions {
  store: MetadataStore;
  blobs: BlobStore;
  maxBytes: number;
  defaultTtlSeconds: number;
  /** When over maxBytes, evict least recently used entries until at most maxBytes * evictToFraction remain. */
  evictToFraction: number;
  /** Milliseconds since the epoch; for expiry and LRU order. Tests inject a fake clock. */
  now?: () => number;
  /** Temporary files of crashed puts older than this are removed by cleanupExpired(). Wall-clock time. */
  tempMaxAgeMs?: number;
}

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const REMOVE_CHUNK = 256;

/**
 * The content-addressed artifact cache: entries are a JSON value plus named files, looked up by a key from
 * cacheKey(). Metadata lives in a MetadataStore (files on disk or PostgreSQL), files in a BlobStore (a directory or a
 * bucket). Build one
 * with createCache().
 */
export class ArtifactCache {
  private readonly store: MetadataStore;
  private readonly blobs: BlobStore;
  private readonly now: () => number;
  private readonly tempMaxAgeMs: number;
  private closed = false;
  readonly maxBytes: number;
  readonly defaultTtlSeconds: number;
  readonly evictToFraction: number;

  constructor(options: ArtifactCacheOptions) {
    this.store = options.store;
    this.blobs = options.blobs;
    this.maxBytes = options.maxBytes;
    this.defaultTtlSeconds = options.defaultTtlSeconds;
    this.evictToFraction = options.evictToFraction;
    this.now = options.now ?? Date.now;
    this.tempMaxAgeMs = options.tempMaxAgeMs ?? 60 * 60 * 1000;
  }

  /**
   * The entry for `key` if it exists, belongs to `stage`, has not expired and every file matches the sha256
   * recorded at put. Counts a hit or a miss for the stage. An expired or corrupt entry is removed.
   *
   * `download: false` is for callers that only pass the files on: with files in a bucket, the objects are checked
   * without fetching them (BucketBlobStore) and the hit names them in `objects`; local files are checked as always.
   */
  async get<V = unknown>(stage: CacheStage, key: string, options: { download?: boolean } = {}): Promise<CacheHit<V> | undefined> {
    this.assertOpen();
    assertStage(stage);
    assertCacheKey(key);
    const hit = await this.lookup<V>(stage, key, options.download !== false);
    await this.store.countLookup(stage, hit !== undefined);
    return hit;
  }

  /**
   * Stores (or replaces) the entry for `key`. Files are copied in first; the entry becomes visible at once and
   * whole when its metadata is committed, so a crash at any point leaves the previous state or the new one.
   * Two processes putting the same key at once leave one valid entry (the last to commit).
   */
  async put(options: CachePutOptions): Promise<void> {
    this.assertOpen();
    const { stage, key, value } = options;
    assertStage(stage);
    assertCacheKey(key);
    const files = options.files ?? {};
    for (const [name, path] of Object.entries(files)) {
      if (!FILE_NAME.test(name) || name === '.' || name === '..') {
        throw new InvalidCacheInputError(`cache file names are letters, digits, ".", "_" and "-", got ${JSON.stringify(name)}`);
      }
      if (typeof path !== 'string' || path === '') throw new InvalidCacheInputError(`file ${name} has no path`);
    }
    const ttlSeconds = options.ttlSeconds ?? this.defaultTtlSeconds;
    if (!(ttlSeconds > 0) || !Number.isFinite(ttlSeconds)) {
      throw new InvalidCacheInputError(`ttlSeconds must be a positive number, got ${ttlSeconds}`);
    }
    const json = serialiseValue(value);

    const id = randomUUID().replace(/-/g, '');
    const stored = await this.blobs.write({ key, id, files });
    const now = this.now();
    const record: EntryRecord = {
      key,
      stage,
      id,
      value: json,
      files: stored,
      bytes: Object.values(stored).reduce((sum, file) => sum + file.size, Buffer.byteLength(json)),
      createdAt: now,
      expiresAt: now + Math.round(ttlSeconds * 1000),
      lastAccessAt: now,
    };
    let replacedId: string | undefined;
    let totalBytes: number | undefined;
    try {
      ({ replacedId, totalBytes } = await this.store.upsert(record));
    } catch (error) {
      await this.blobs.remove(key, id);
      throw error;
    }
    if (Object.keys(stored).length > 0) await this.blobs.committed(key, id);
    if (replacedId !== undefined && replacedId !== id) await this.blobs.remove(key, replacedId);
    if (totalBytes === undefined || totalBytes > this.maxBytes) await this.evictIfNeeded();
  }

  /** Removes the entry for `key`; false if there was none. */
  async invalidate(key: string): Promise<boolean> {
    this.assertOpen();
    assertCacheKey(key);
    // A concurrent put may replace the version read here; then remove the newer one too.
    for (let attempt = 0; attempt < 5; attempt++) {
      const record = await this.store.get(key);
      if (!record) return false;
      const removed = await this.store.remove(key, record.id);
      if (removed) {
        await this.blobs.remove(key, removed.id);
        return true;
      }
    }
    return false;
  }

  async invalidateStage(stage: CacheStage): Promise<CleanupResult> {
    this.assertOpen();
    assertStage(stage);
    return this.removeBlobsOf(await this.store.removeStage(stage));
  }

  /** Removes expired entries and what crashed puts left in the temporary directory. */
  async cleanupExpired(): Promise<CleanupResult> {
    this.assertOpen();
    const result = await this.removeBlobsOf(await this.store.removeExpired(this.now()));
    await this.blobs.sweepTemp(this.tempMaxAgeMs, async (key, id) => (await this.store.get(key))?.id === id);
    return result;
  }

  /**
   * When the store holds more than maxBytes, removes least recently used entries until it holds at most
   * maxBytes * evictToFraction. One process evicts at a time; the others return at once.
   */
  async evictIfNeeded(): Promise<CleanupResult> {
    this.assertOpen();
    const none = { removed: 0, bytesFreed: 0 };
    if ((await this.totalBytes()) <= this.maxBytes) return none;
    const result = await this.store.withEvictionLock(async () => {
      let bytes = await this.totalBytes();
      if (bytes <= this.maxBytes) return none;
      const target = Math.floor(this.maxBytes * this.evictToFraction);
      const freed = { removed: 0, bytesFreed: 0 };
      let chunk: RemovedEntry[] = [];
      const flush = async (): Promise<void> => {
        const removed = (await Promise.all(chunk.map((entry) => this.store.remove(entry.key, entry.id)))).filter(
          (entry): entry is RemovedEntry => entry !== undefined,
        );
        const done = await this.removeBlobsOf(removed);
        freed.removed += done.removed;
        freed.bytesFreed += done.bytesFreed;
        chunk = [];
      };
      for await (const candidate of this.store.lruCandidates()) {
        if (bytes <= target) break;
        chunk.push(candidate);
        bytes -= candidate.bytes;
        if (chunk.length >= REMOVE_CHUNK) await flush();
      }
      await flush();
      return freed;
    });
    return result ?? none;
  }

  async stats(): Promise<CacheStats> {
    this.assertOpen();
    const byStage = await this.store.totals();
    const sum = (field: keyof StageTotals): number => CACHE_STAGES.reduce((total, stage) => total + byStage[stage][field], 0);
    const hits = sum('hits');
    const misses = sum('misses');
    return {
      entries: sum('entries'),
      bytes: sum('bytes'),
      maxBytes: this.maxBytes,
      hits,
      misses,
      hitRate: hits + misses === 0 ? 0 : hits / (hits + misses),
      byStage,
    };
  }

  /** Waits for pending metadata writes and releases database connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.store.close();
  }

  private async lookup<V>(stage: CacheStage, key: string, download: boolean, retry = true): Promise<CacheHit<V> | undefined> {
    const record = await this.store.get(key);
    if (!record || record.stage !== stage) return undefined;
    if (record.expiresAt <= this.now()) {
      await this.drop(record);
      return undefined;
    }
    const verified = await this.blobs.verify(key, record.id, record.files, { download });
    let value: V;
    try {
      if (!verified) throw new Error('file missing or changed');
      value = JSON.parse(record.value) as V;
    } catch {
      await this.drop(record);
      // Replaced by another process between reading the record and its files (the old version's files go
      // with it): the new version deserves a look of its own.
      const latest = retry ? await this.store.get(key) : undefined;
      return latest && latest.id !== record.id ? this.lookup<V>(stage, key, download, false) : undefined;
    }
    await this.store.touch(key, record.id, this.now());
    return {
      key,
      stage,
      value,
      files: verified.files,
      ...(verified.objects ? { objects: verified.objects } : {}),
      bytes: record.bytes,
      createdAt: record.createdAt,
      expiresAt: record.expiresAt,
    };
  }

  /** Removes this version of an entry; a newer version put in the meantime stays. */
  private async drop(record: EntryRecord): Promise<void> {
    const removed = await this.store.remove(record.key, record.id);
    if (removed) await this.blobs.remove(record.key, record.id);
  }

  private async removeBlobsOf(removed: RemovedEntry[]): Promise<CleanupResult> {
    for (const entry of removed) await this.blobs.remove(entry.key, entry.id);
    return { removed: removed.length, bytesFreed: removed.reduce((sum, entry) => sum + entry.bytes, 0) };
  }

  private async totalBytes(): Promise<number> {
    const totals = await this.store.totals();
    return CACHE_STAGES.reduce((sum, stage) => sum + totals[stage].bytes, 0);
  }

  private assertOpen(): void {
    if (this.closed) throw new CacheClosedError();
  }
}

function assertStage(stage: unknown): asserts stage is CacheStage {
  if (!isCacheStage(stage)) {
    throw new InvalidCacheInputError(`unknown cache stage ${JSON.stringify(stage)}; one of ${CACHE_STAGES.join(', ')}`);
  }
}

function serialiseValue(value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new InvalidCacheInputError(`cache value is not JSON: ${(error as Error).message}`);
  }
  if (json === undefined) throw new InvalidCacheInputError('cache value is not JSON (undefined, a function or a symbol)');
  return json;
}
