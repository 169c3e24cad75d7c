import type { CacheStage } from './cache-stage';

/** One file of an entry as recorded at put: what a read must find on disk for the entry to count as valid. */
export interface StoredFile {
  sha256: string;
  size: number;
  /** With a bucket-backed blob store: the object's entity tag just after its upload (changes whenever its bytes do). */
  etag?: string;
}

/** An entry's metadata. Its files live in the blob directory under `<key>/<id>/<name>`. */
export interface EntryRecord {
  key: string;
  stage: CacheStage;
  /** Random id of the put that wrote this version of the entry; names its blob directory. */
  id: string;
  /** The entry's value as JSON text. */
  value: string;
  files: Record<string, StoredFile>;
  /** Bytes of all files plus the value's JSON text. */
  bytes: number;
  /** Milliseconds since the epoch, from the cache's clock. */
  createdAt: number;
  expiresAt: number;
  lastAccessAt: number;
}

/** What a removal reports: enough to delete the blob directory and account for the freed bytes. */
export interface RemovedEntry {
  key: string;
  id: string;
  stage: CacheStage;
  bytes: number;
}

export interface StageTotals {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
}

export type TotalsByStage = Record<CacheStage, StageTotals>;

/**
 * Where entries are indexed and counters kept. Two implementations: files under the cache directory (one
 * machine, several processes) and PostgreSQL (several machines sharing the blob directory). Every method is
 * safe to call concurrently from several processes.
 */
export interface MetadataStore {
  /** Looks one entry up by key without scanning (a file path, a primary key). */
  get(key: string): Promise<EntryRecord | undefined>;
  /** Records an access for LRU order. Does nothing if the entry has since been replaced or removed. */
  touch(key: string, id: string, at: number): Promise<void>;
  /** Adds one hit or one miss to a stage's counters, visible to every process at once. */
  countLookup(stage: CacheStage, hit: boolean): Promise<void>;
  /**
   * Inserts or replaces the entry for `record.key`; returns the id of the version it replaced, if any, and
   * the store's total bytes just after, when the store knows it without another read.
   */
  upsert(record: EntryRecord): Promise<{ replacedId?: string; totalBytes?: number }>;
  /** Removes the entry if its current version is `id` (so a newer put is never removed by mistake). */
  remove(key: string, id: string): Promise<RemovedEntry | undefined>;
  removeStage(stage: CacheStage): Promise<RemovedEntry[]>;
  /** Removes every entry whose expiresAt <= now. */
  removeExpired(now: number): Promise<RemovedEntry[]>;
  /** Entries from least to most recently used. May scan the whole store: eviction is rare. */
  lruCandidates(): AsyncIterable<RemovedEntry>;
  totals(): Promise<TotalsByStage>;
  /** Runs `fn` unless another process is evicting; returns undefined if it is. */
  withEvictionLock<T>(fn: () => Promise<T>): Promise<T | undefined>;
  close(): Promise<void>;
}

export function emptyTotals(): TotalsByStage {
  return {
    script: { entries: 0, bytes: 0, hits: 0, misses: 0 },
    tts: { entries: 0, bytes: 0, hits: 0, misses: 0 },
    render: { entries: 0, bytes: 0, hits: 0, misses: 0 },
    pipeline: { entries: 0, bytes: 0, hits: 0, misses: 0 },
    stt: { entries: 0, bytes: 0, hits: 0, misses: 0 },
    image: { entries: 0, bytes: 0, hits: 0, misses: 0 },
  };
}
