import { join } from 'node:path';
import { CacheClosedError, CacheLockTimeoutError, CacheStoreError } from './cache-errors';
import type { CacheStage } from './cache-stage';
import { applyContribution, contributionOf, type Contribution } from './embedded/contribution';
import { Journal, settleJournal } from './embedded/journal';
import { RecordFiles, type RecordRead } from './embedded/record-files';
import { StateFile, type CacheState } from './embedded/state-file';
import { WriteQueue, type Queued } from './embedded/write-queue';
import { FileLock } from './file-lock';
import type { EntryRecord, MetadataStore, RemovedEntry, TotalsByStage } from './metadata-store';

export interface EmbeddedMetadataStoreOptions {
  /** The cache directory; metadata goes to `<dir>/meta`, temporary files to `<dir>/tmp`. */
  dir: string;
  lockTimeoutMs?: number;
  lockStaleMs?: number;
}

type Op =
  | { kind: 'count'; stage: CacheStage; hit: boolean }
  | { kind: 'upsert'; record: EntryRecord; staged: string }
  | { kind: 'remove'; key: string; id: string }
  | { kind: 'removeUnreadable'; key: string };

/** Bounds the files one batch opens at once (each changed key is read). */
const BATCH_LIMIT = 256;

/**
 * Metadata on local disk for one machine's processes (API, workers), without a server. Layout:
 *
 *   <dir>/meta/entries/<key[0..2]>/<key>.json   one record per key (embedded/record-files.ts)
 *   <dir>/meta/state                             per-stage entries, bytes, hits, misses (embedded/state-file.ts)
 *   <dir>/meta/journal.json                      the record changes of the batch in progress (embedded/journal.ts)
 *   <dir>/meta/lock                              serialises changes to records, state and journal
 *   <dir>/meta/evict.lock                        one evicting process at a time
 *
 * Changes (puts, removals, hit and miss counts) queue up inside the process (embedded/write-queue.ts) and are
 * applied in batches under the lock: one lock round trip and one state write serve every operation that arrived
 * while the previous batch ran. A put or get resolves only after its batch wrote the state, so the stats any
 * process reads afterwards include it: hits and misses add up across processes.
 *
 * Crash safety of the totals: before a batch renames or unlinks any record it writes the journal (its new totals
 * and the state of each key those totals assume); then it changes the records, writes the state and removes the
 * journal. The next lock holder that finds a journal settles it against what is on disk. A crash loses at most
 * the hit and miss counts of the batch in flight.
 *
 * Last access is set on the record outside the lock: it changes no content, so it cannot lose a concurrent
 * update; at worst it marks a just-replaced version as recently used, which it is.
 */
export class EmbeddedMetadataStore implements MetadataStore {
  private readonly records: RecordFiles;
  private readonly state: StateFile;
  private readonly journal: Journal;
  private readonly lock: FileLock;
  private readonly evictLock: FileLock;
  private readonly writes: WriteQueue<Op>;
  private closed = false;

  constructor(options: EmbeddedMetadataStoreOptions) {
    const metaDir = join(options.dir, 'meta');
    const tmpDir = join(options.dir, 'tmp');
    this.records = new RecordFiles({ entriesDir: join(metaDir, 'entries'), tmpDir });
    this.state = new StateFile(join(metaDir, 'state'));
    this.journal = new Journal({ path: join(metaDir, 'journal.json'), tmpDir });
    const lockOptions = { timeoutMs: options.lockTimeoutMs, staleMs: options.lockStaleMs };
    this.lock = new FileLock({ path: join(metaDir, 'lock'), ...lockOptions });
    // An eviction scans every record and may run for minutes at 100,000 entries; a live evictor must not be
    // judged stale (a dead one on this host is still recognised at once by its pid).
    this.evictLock = new FileLock({
      path: join(metaDir, 'evict.lock'),
      timeoutMs: options.lockTimeoutMs,
      staleMs: Math.max(options.lockStaleMs ?? 0, 15 * 60_000),
    });
    this.writes = new WriteQueue<Op>({
      batchLimit: BATCH_LIMIT,
      apply: (batch) => this.lock.withLock(() => this.applyBatch(batch)),
      failure: (error) =>
        error instanceof CacheStoreError || error instanceof CacheLockTimeoutError
          ? error
          : new CacheStoreError(`cache metadata update failed: ${(error as Error)?.message}`, { cause: error }),
    });
  }

  async init(): Promise<void> {
    await this.records.init();
  }

  async get(key: string): Promise<EntryRecord | undefined> {
    this.assertOpen();
    const result = await this.records.read(key);
    if (result === 'missing') return undefined;
    if (result === 'unreadable') {
      await this.writes.enqueue({ kind: 'removeUnreadable', key });
      return undefined;
    }
    return result.record;
  }

  async touch(key: string, _id: string, at: number): Promise<void> {
    this.assertOpen();
    await this.records.touch(key, at);
  }

  async countLookup(stage: CacheStage, hit: boolean): Promise<void> {
    this.assertOpen();
    await this.writes.enqueue({ kind: 'count', stage, hit });
  }

  async upsert(record: EntryRecord): Promise<{ replacedId?: string; totalBytes: number }> {
    this.assertOpen();
    // Written and dated outside the lock; under it, only the rename.
    const staged = this.records.stage(record);
    try {
      return (await this.writes.enqueue({ kind: 'upsert', record, staged })) as { replacedId?: string; totalBytes: number };
    } catch (error) {
      await this.records.discard(staged);
      throw error;
    }
  }

  async remove(key: string, id: string): Promise<RemovedEntry | undefined> {
    this.assertOpen();
    return (await this.writes.enqueue({ kind: 'remove', key, id })) as RemovedEntry | undefined;
  }

  async removeStage(stage: CacheStage): Promise<RemovedEntry[]> {
    return this.removeMatching((record) => record.stage === stage);
  }

  async removeExpired(now: number): Promise<RemovedEntry[]> {
    return this.removeMatching((record) => record.expiresAt <= now);
  }

  async *lruCandidates(): AsyncIterable<RemovedEntry> {
    this.assertOpen();
    const records = await this.records.readAll();
    records.sort((a, b) => a.lastAccessAt - b.lastAccessAt || (a.key < b.key ? -1 : 1));
    for (const { key, id, stage, bytes } of records) yield { key, id, stage, bytes };
  }

  async totals(): Promise<TotalsByStage> {
    this.assertOpen();
    const { totals } = this.state.read();
    for (const stage of Object.values(totals)) {
      // A change lost to a power failure may leave the totals slightly off; never below zero.
      stage.entries = Math.max(0, stage.entries);
      stage.bytes = Math.max(0, stage.bytes);
    }
    return totals;
  }

  async withEvictionLock<T>(fn: () => Promise<T>): Promise<T | undefined> {
    this.assertOpen();
    const release = await this.evictLock.tryAcquire();
    if (!release) return undefined;
    try {
      return await fn();
    } finally {
      await release();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.writes.idle();
  }

  private assertOpen(): void {
    if (this.closed) throw new CacheClosedError();
  }

  /**
   * Runs under the lock. Reads of the keys the batch changes, of the state and the journal are synchronous on
   * purpose: small files, a few microseconds each from the page cache, while asynchronous ones would each wait
   * in libuv's 4-thread pool behind bulk artifact copies as every other process waits for the lock.
   */
  private async applyBatch(batch: Array<Queued<Op>>): Promise<void> {
    const state = this.state.read();
    this.recover(state);
    const keys = new Set(batch.flatMap(({ op }) => (op.kind === 'count' ? [] : [keyOf(op)])));
    const onDisk = new Map([...keys].map((key) => [key, this.records.readSync(key)] as const));
    /** The keys this batch changes, with their state once it is done: what the journal records. */
    const changed = new Map<string, Contribution>();
    const current = (key: string): Contribution => (changed.has(key) ? (changed.get(key) ?? null) : contributionRead(onDisk.get(key)));
    const actions: Array<{ key: string; queued: Queued<Op>; result: unknown; run?: () => Promise<void> }> = [];
    // Puts report the total after their batch, which spares each a read of the state to decide on eviction.
    const totalsToReport: Array<{ totalBytes: number }> = [];
    for (const queued of batch) {
      const { op } = queued;
      switch (op.kind) {
        case 'count':
          state.totals[op.stage][op.hit ? 'hits' : 'misses'] += 1;
          actions.push({ key: '', queued, result: undefined });
          break;
        case 'upsert': {
          const { key } = op.record;
          const previous = current(key);
          const next = contributionOf(op.record);
          applyContribution(state.totals, previous, -1);
          applyContribution(state.totals, next, +1);
          changed.set(key, next);
          const result = { replacedId: previous?.id, totalBytes: 0 };
          totalsToReport.push(result);
          actions.push({ key, queued, result, run: () => this.records.place(op.staged, key) });
          break;
        }
        case 'remove': {
          const previous = current(op.key);
          if (previous === null || previous.id !== op.id) {
            actions.push({ key: op.key, queued, result: undefined });
            break;
          }
          applyContribution(state.totals, previous, -1);
          changed.set(op.key, null);
          const run = () => this.records.remove(op.key);
          actions.push({ key: op.key, queued, result: { key: op.key, ...previous }, run });
          break;
        }
        case 'removeUnreadable': {
          const stillUnreadable = !changed.has(op.key) && onDisk.get(op.key) === 'unreadable';
          if (stillUnreadable) changed.set(op.key, null);
          const run = stillUnreadable ? () => this.records.remove(op.key) : undefined;
          actions.push({ key: op.key, queued, result: undefined, run });
          break;
        }
      }
    }
    const pending = [...changed].map(([key, assumed]) => ({ key, assumed }));
    const totalBytes = Object.values(state.totals).reduce((sum, stage) => sum + stage.bytes, 0);
    for (const result of totalsToReport) result.totalBytes = totalBytes;
    if (pending.length > 0) this.journal.write({ totals: state.totals, pending });

    let failed = false;
    const settle: Array<() => void> = [];
    const byKey = new Map<string, typeof actions>();
    for (const action of actions) byKey.set(action.key, [...(byKey.get(action.key) ?? []), action]);
    // Records of different keys in parallel (a rename on ext4 can take a fraction of a millisecond, and the
    // thread pool overlaps them); the changes of one key in the order they were asked for.
    await Promise.all(
      [...byKey.values()].map(async (sequence) => {
        for (const action of sequence) {
          try {
            await action.run?.();
            settle.push(() => action.queued.resolve(action.result));
          } catch (error) {
            failed = true;
            const message = `cache metadata update failed: ${(error as Error).message}`;
            settle.push(() => action.queued.reject(new CacheStoreError(message, { cause: error })));
          }
        }
      }),
    );
    // On failure the journal stays, and the next lock holder corrects the totals from what is on disk.
    if (!failed) {
      this.state.write(state);
      if (pending.length > 0) this.journal.remove();
    }
    // Only now: a caller that reads the stats after its put or get must see it counted.
    for (const done of settle) done();
  }

  /** Finishes the accounting of a batch whose process died under the lock (see the class comment). */
  private recover(state: CacheState): void {
    const unfinished = this.journal.read();
    if (!unfinished) return;
    state.totals = settleJournal(unfinished, (key) => contributionRead(this.records.readSync(key)));
    this.state.write(state);
    this.journal.remove();
  }

  private async removeMatching(match: (record: EntryRecord) => boolean): Promise<RemovedEntry[]> {
    this.assertOpen();
    const targets = (await this.records.readAll()).filter(match);
    const removed = await Promise.all(targets.map((record) => this.remove(record.key, record.id)));
    return removed.filter((entry): entry is RemovedEntry => entry !== undefined);
  }
}

function keyOf(op: Exclude<Op, { kind: 'count' }>): string {
  return op.kind === 'upsert' ? op.record.key : op.key;
}

function contributionRead(read: RecordRead | undefined): Contribution {
  return typeof read === 'object' ? contributionOf(read.record) : null;
}
