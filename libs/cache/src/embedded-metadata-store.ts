import { createHash, randomUUID } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  futimesSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { mkdir, open, readdir, rename, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode as code } from './errno-code';
import { CacheClosedError, CacheLockTimeoutError, CacheStoreError } from './cache-errors';
import { isCacheStage, type CacheStage } from './cache-stage';
import { FileLock } from './file-lock';
import {
  emptyTotals,
  type EntryRecord,
  type MetadataStore,
  type RemovedEntry,
  type TotalsByStage,
} from './metadata-store';

export interface EmbeddedMetadataStoreOptions {
  /** The cache directory; metadata goes to `<dir>/meta`, temporary files to `<dir>/tmp`. */
  dir: string;
  lockTimeoutMs?: number;
  lockStaleMs?: number;
}

/** What one entry adds to the totals; null when the key has no (readable) entry. */
type Contribution = { id: string; stage: CacheStage; bytes: number } | null;

interface PendingChange {
  key: string;
  /** The state of the key that the totals in the same state file assume. */
  assumed: Contribution;
}

interface StateFile {
  /** Incremented by every write; the slot holding the higher one is the current state. */
  seq: number;
  totals: TotalsByStage;
}

/** Written before a batch changes records, removed after it wrote the state. */
interface JournalFile {
  /** The totals once every change of the batch is on disk. */
  totals: TotalsByStage;
  pending: PendingChange[];
}

type Op =
  | { kind: 'count'; stage: CacheStage; hit: boolean }
  | { kind: 'upsert'; record: EntryRecord; staged: string }
  | { kind: 'remove'; key: string; id: string }
  | { kind: 'removeUnreadable'; key: string };

interface QueuedOp {
  op: Op;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

type ReadResult = { record: EntryRecord } | 'missing' | 'unreadable';

const STATE_SLOT = 4096;
const ENTRY_FILE = /^([0-9a-f]{64})\.json$/;
/** Bounds the files one batch opens at once (each changed key is read in parallel). */
const BATCH_LIMIT = 256;
const SCAN_CONCURRENCY = 32;

/**
 * Metadata on local disk for one machine's processes (API, workers), without a server. Layout:
 *
 *   <dir>/meta/entries/<key[0..2]>/<key>.json   one record per key: a `get` opens one file, never scans;
 *                                                the file's mtime is the entry's last access (LRU order)
 *   <dir>/meta/state                             per-stage entries, bytes, hits, misses (see writeState)
 *   <dir>/meta/journal.json                      the record changes of the batch in progress, if any
 *   <dir>/meta/lock                              serialises changes to records, state and journal
 *   <dir>/meta/evict.lock                        one evicting process at a time
 *
 * Records and the journal are written to <dir>/tmp and renamed into place, so a reader sees the old or the
 * new version, never a mix. Changes (puts, removals, hit and miss counts) queue up inside the process and are
 * applied in batches under the lock: one lock round trip and one state write serve every operation that
 * arrived while the previous batch ran, which keeps 16 concurrent activities from queueing on the lock one by
 * one. A put or get resolves only after its batch wrote the state, so the stats any process reads afterwards
 * include it: hits and misses add up across processes.
 *
 * Crash safety of the totals: before a batch renames or unlinks any record it writes journal.json (its new
 * totals and the state of each key those totals assume); then it changes the records, writes the state and
 * removes the journal. The next lock holder that finds a journal compares each key with what is on disk and
 * corrects the journal's totals for changes that never happened. A crash loses at most the hit and miss
 * counts of the batch in flight.
 *
 * Last access is set with utimes on the record, outside the lock: it changes no content, so it cannot lose a
 * concurrent update; at worst it marks a just-replaced version as recently used, which it is.
 */
export class EmbeddedMetadataStore implements MetadataStore {
  private readonly metaDir: string;
  private readonly entriesDir: string;
  private readonly tmpDir: string;
  private readonly statePath: string;
  private readonly journalPath: string;
  private readonly lock: FileLock;
  private readonly evictLock: FileLock;
  private queue: QueuedOp[] = [];
  private draining = false;
  private drained: Promise<void> = Promise.resolve();
  private closed = false;
  /** Shard directories known to exist (they are never removed). */
  private readonly shards = new Set<string>();

  constructor(options: EmbeddedMetadataStoreOptions) {
    this.metaDir = join(options.dir, 'meta');
    this.entriesDir = join(this.metaDir, 'entries');
    this.tmpDir = join(options.dir, 'tmp');
    this.statePath = join(this.metaDir, 'state');
    this.journalPath = join(this.metaDir, 'journal.json');
    const lockOptions = { timeoutMs: options.lockTimeoutMs, staleMs: options.lockStaleMs };
    this.lock = new FileLock({ path: join(this.metaDir, 'lock'), ...lockOptions });
    // An eviction scans every record and may run for minutes at 100,000 entries; a live evictor must not be
    // judged stale (a dead one on this host is still recognised at once by its pid).
    this.evictLock = new FileLock({
      path: join(this.metaDir, 'evict.lock'),
      timeoutMs: options.lockTimeoutMs,
      staleMs: Math.max(options.lockStaleMs ?? 0, 15 * 60_000),
    });
  }

  async init(): Promise<void> {
    await mkdir(this.entriesDir, { recursive: true });
    await mkdir(this.tmpDir, { recursive: true });
  }

  async get(key: string): Promise<EntryRecord | undefined> {
    this.assertOpen();
    const result = await this.read(key);
    if (result === 'missing') return undefined;
    if (result === 'unreadable') {
      await this.enqueue({ kind: 'removeUnreadable', key });
      return undefined;
    }
    return result.record;
  }

  async touch(key: string, _id: string, at: number): Promise<void> {
    this.assertOpen();
    try {
      await utimes(this.recordPath(key), at / 1000, at / 1000);
    } catch (error) {
      if (code(error) !== 'ENOENT') throw error;
    }
  }

  async countLookup(stage: CacheStage, hit: boolean): Promise<void> {
    this.assertOpen();
    await this.enqueue({ kind: 'count', stage, hit });
  }

  async upsert(record: EntryRecord): Promise<{ replacedId?: string; totalBytes: number }> {
    this.assertOpen();
    // Written and dated outside the lock; under it, only the rename. Synchronously: a record is a small file
    // (a few hundred bytes to the page cache), and four thread-pool round trips cost far more than the write.
    const staged = join(this.tmpDir, `${randomUUID()}.json`);
    const { lastAccessAt: _lastAccessAt, ...stored } = record;
    const fd = openSync(staged, 'wx');
    try {
      writeFileSync(fd, JSON.stringify(stored));
      futimesSync(fd, record.lastAccessAt / 1000, record.lastAccessAt / 1000);
    } finally {
      closeSync(fd);
    }
    const shard = record.key.slice(0, 2);
    if (!this.shards.has(shard)) {
      mkdirSync(join(this.entriesDir, shard), { recursive: true });
      this.shards.add(shard);
    }
    try {
      return (await this.enqueue({ kind: 'upsert', record, staged })) as { replacedId?: string; totalBytes: number };
    } catch (error) {
      await unlink(staged).catch(() => undefined);
      throw error;
    }
  }

  async remove(key: string, id: string): Promise<RemovedEntry | undefined> {
    this.assertOpen();
    return (await this.enqueue({ kind: 'remove', key, id })) as RemovedEntry | undefined;
  }

  async removeStage(stage: CacheStage): Promise<RemovedEntry[]> {
    return this.removeMatching((record) => record.stage === stage);
  }

  async removeExpired(now: number): Promise<RemovedEntry[]> {
    return this.removeMatching((record) => record.expiresAt <= now);
  }

  async *lruCandidates(): AsyncIterable<RemovedEntry> {
    const records = await this.scan();
    records.sort((a, b) => a.lastAccessAt - b.lastAccessAt || (a.key < b.key ? -1 : 1));
    for (const { key, id, stage, bytes } of records) yield { key, id, stage, bytes };
  }

  async totals(): Promise<TotalsByStage> {
    this.assertOpen();
    const { totals } = this.readState();
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
    while (this.draining) await this.drained;
  }

  private assertOpen(): void {
    if (this.closed) throw new CacheClosedError();
  }

  private recordPath(key: string): string {
    return join(this.entriesDir, key.slice(0, 2), `${key}.json`);
  }

  private enqueue(op: Op): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (!this.draining) {
        // Set and cleared synchronously with the queue check in drain(), so no op is ever left unserved.
        this.draining = true;
        this.drained = this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    await Promise.resolve(); // let the operations issued in the same tick join the first batch
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, BATCH_LIMIT);
      try {
        await this.lock.withLock(() => this.applyBatch(batch));
      } catch (error) {
        // applyBatch settles what it finished; anything else fails with the batch's error.
        const failure =
          error instanceof CacheStoreError || error instanceof CacheLockTimeoutError
            ? error
            : new CacheStoreError(`cache metadata update failed: ${(error as Error)?.message}`, { cause: error });
        for (const queued of batch) queued.reject(failure);
      }
    }
    this.draining = false;
  }

  /**
   * Reads (of the keys the batch changes, of the state and the journal) are synchronous on purpose: small
   * files, a few microseconds each from the page cache, while asynchronous ones would each wait in libuv's
   * 4-thread pool behind bulk artifact copies as every other process waits for the lock.
   */
  private async applyBatch(batch: QueuedOp[]): Promise<void> {
    const state = this.readState();
    this.recover(state);
    const keys = new Set(batch.flatMap(({ op }) => (op.kind === 'count' ? [] : [keyOf(op)])));
    const onDisk = new Map([...keys].map((key) => [key, this.readSync(key)] as const));
    /** The keys this batch changes, with their state once it is done: what the journal records. */
    const changed = new Map<string, Contribution>();
    const current = (key: string): Contribution => {
      if (changed.has(key)) return changed.get(key) ?? null;
      const read = onDisk.get(key);
      return typeof read === 'object' ? contributionOf(read.record) : null;
    };
    const actions: Array<{ key: string; queued: QueuedOp; result: unknown; run?: () => Promise<void> }> = [];
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
          apply(state.totals, previous, -1);
          apply(state.totals, next, +1);
          changed.set(key, next);
          const path = this.recordPath(key);
          const result = { replacedId: previous?.id, totalBytes: 0 };
          totalsToReport.push(result);
          actions.push({ key, queued, result, run: () => rename(op.staged, path) });
          break;
        }
        case 'remove': {
          const previous = current(op.key);
          if (previous === null || previous.id !== op.id) {
            actions.push({ key: op.key, queued, result: undefined });
            break;
          }
          apply(state.totals, previous, -1);
          changed.set(op.key, null);
          const path = this.recordPath(op.key);
          const run = () => unlinkRecord(path);
          actions.push({ key: op.key, queued, result: { key: op.key, ...previous }, run });
          break;
        }
        case 'removeUnreadable': {
          const path = this.recordPath(op.key);
          const stillUnreadable = !changed.has(op.key) && onDisk.get(op.key) === 'unreadable';
          if (stillUnreadable) changed.set(op.key, null);
          const run = stillUnreadable ? () => unlinkRecord(path) : undefined;
          actions.push({ key: op.key, queued, result: undefined, run });
          break;
        }
      }
    }
    const pending = [...changed].map(([key, assumed]) => ({ key, assumed }));
    const totalBytes = Object.values(state.totals).reduce((sum, stage) => sum + stage.bytes, 0);
    for (const result of totalsToReport) result.totalBytes = totalBytes;
    if (pending.length > 0) this.writeAtomically(this.journalPath, { totals: state.totals, pending });

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
      this.writeState(state);
      if (pending.length > 0) unlinkIfPresent(this.journalPath);
    }
    // Only now: a caller that reads the stats after its put or get must see it counted.
    for (const done of settle) done();
  }

  /** Finishes the accounting of a batch whose process died under the lock (see the class comment). */
  private recover(state: StateFile): void {
    let journal: JournalFile;
    try {
      journal = JSON.parse(readFileSync(this.journalPath, 'utf8')) as JournalFile;
    } catch (error) {
      if (code(error) === 'ENOENT') return;
      // Torn by a power loss before the batch changed anything: the state is still the truth.
      unlinkIfPresent(this.journalPath);
      return;
    }
    const totals = normaliseTotals(journal.totals);
    for (const { key, assumed } of journal.pending) {
      const read = this.readSync(key);
      const actual = typeof read === 'object' ? contributionOf(read.record) : null;
      if ((actual?.id ?? null) === (assumed?.id ?? null)) continue;
      apply(totals, assumed, -1);
      apply(totals, actual, +1);
    }
    state.totals = totals;
    this.writeState(state);
    unlinkIfPresent(this.journalPath);
  }

  /** The valid slot with the higher sequence number (see writeState). */
  private readState(): StateFile {
    let content: Buffer;
    try {
      content = readFileSync(this.statePath);
    } catch (error) {
      if (code(error) === 'ENOENT') return { seq: 0, totals: emptyTotals() };
      throw new CacheStoreError(`cannot read ${this.statePath}: ${(error as Error).message}`, { cause: error });
    }
    const slots = [0, 1]
      .map((slot) => parseStateSlot(content.subarray(slot * STATE_SLOT, (slot + 1) * STATE_SLOT)))
      .filter((state): state is StateFile => state !== undefined)
      .sort((a, b) => b.seq - a.seq);
    return slots[0] ?? { seq: 0, totals: emptyTotals() };
  }

  /**
   * The state is two fixed-size slots in one file, written in turn in place, each with the sha256 of its
   * content; a reader takes the valid slot with the higher sequence number. Why not write a new file and
   * rename it over the old one: on ext4 a rename that replaces a file forces the new file's data to disk
   * (auto_da_alloc), which made every batch, and so every cache hit, wait for the disk. A write torn by a
   * crash (or seen half-done by a reader outside the lock) fails its checksum, and the other slot, one batch
   * older, is used.
   */
  private writeState(state: StateFile): void {
    state.seq += 1;
    const payload = JSON.stringify({ seq: state.seq, totals: state.totals });
    const text = `${createHash('sha256').update(payload).digest('hex')}\n${payload}`;
    const slot = Buffer.alloc(STATE_SLOT, ' ');
    if (slot.write(text) < Buffer.byteLength(text)) throw new CacheStoreError('cache state does not fit its slot');
    const fd = openSync(this.statePath, constants.O_RDWR | constants.O_CREAT, 0o644);
    try {
      writeSync(fd, slot, 0, STATE_SLOT, (state.seq % 2) * STATE_SLOT);
    } finally {
      closeSync(fd);
    }
  }

  private writeAtomically(path: string, content: JournalFile): void {
    const staged = join(this.tmpDir, `meta-${randomUUID()}.json`);
    writeFileSync(staged, JSON.stringify(content));
    renameSync(staged, path);
  }

  private async read(key: string): Promise<ReadResult> {
    let handle;
    try {
      handle = await open(this.recordPath(key), 'r');
    } catch (error) {
      if (code(error) === 'ENOENT') return 'missing';
      throw error;
    }
    try {
      // One open file for both, so the content and the access time belong to the same version.
      const [{ mtimeMs }, text] = await Promise.all([handle.stat(), handle.readFile('utf8')]);
      const record = parseRecord(text, Math.round(mtimeMs));
      return record && record.key === key ? { record } : 'unreadable';
    } finally {
      await handle.close();
    }
  }

  private readSync(key: string): ReadResult {
    let fd: number;
    try {
      fd = openSync(this.recordPath(key), 'r');
    } catch (error) {
      if (code(error) === 'ENOENT') return 'missing';
      throw error;
    }
    try {
      const { mtimeMs } = fstatSync(fd);
      const record = parseRecord(readFileSync(fd, 'utf8'), Math.round(mtimeMs));
      return record && record.key === key ? { record } : 'unreadable';
    } finally {
      closeSync(fd);
    }
  }

  private async scan(): Promise<EntryRecord[]> {
    this.assertOpen();
    const keys: string[] = [];
    for (const shard of await readdir(this.entriesDir)) {
      for (const name of await readdir(join(this.entriesDir, shard)).catch(() => [] as string[])) {
        const match = ENTRY_FILE.exec(name);
        if (match) keys.push(match[1]);
      }
    }
    const records: EntryRecord[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < keys.length) {
        const read = await this.read(keys[next++]);
        if (typeof read === 'object') records.push(read.record);
      }
    };
    await Promise.all(Array.from({ length: SCAN_CONCURRENCY }, worker));
    return records;
  }

  private async removeMatching(match: (record: EntryRecord) => boolean): Promise<RemovedEntry[]> {
    const targets = (await this.scan()).filter(match);
    const removed = await Promise.all(targets.map((record) => this.remove(record.key, record.id)));
    return removed.filter((entry): entry is RemovedEntry => entry !== undefined);
  }
}

function keyOf(op: Exclude<Op, { kind: 'count' }>): string {
  return op.kind === 'upsert' ? op.record.key : op.key;
}

function parseStateSlot(slot: Buffer): StateFile | undefined {
  const text = slot.toString('utf8').trimEnd();
  const newline = text.indexOf('\n');
  if (newline !== 64) return undefined;
  const payload = text.slice(65);
  if (createHash('sha256').update(payload).digest('hex') !== text.slice(0, 64)) return undefined;
  try {
    const parsed = JSON.parse(payload) as Partial<StateFile>;
    return typeof parsed.seq === 'number' ? { seq: parsed.seq, totals: normaliseTotals(parsed.totals) } : undefined;
  } catch {
    return undefined;
  }
}

function normaliseTotals(value: Partial<TotalsByStage> | undefined): TotalsByStage {
  const totals = emptyTotals();
  for (const stage of Object.keys(totals) as CacheStage[]) Object.assign(totals[stage], value?.[stage]);
  return totals;
}

function contributionOf(record: EntryRecord): Contribution {
  return { id: record.id, stage: record.stage, bytes: record.bytes };
}

function apply(totals: TotalsByStage, contribution: Contribution, sign: 1 | -1): void {
  if (!contribution || !isCacheStage(contribution.stage)) return;
  totals[contribution.stage].entries += sign;
  totals[contribution.stage].bytes += sign * contribution.bytes;
}

async function unlinkRecord(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (code(error) !== 'ENOENT') throw error;
  }
}

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (code(error) !== 'ENOENT') throw error;
  }
}

function parseRecord(text: string, lastAccessAt: number): EntryRecord | undefined {
  let parsed: Partial<EntryRecord>;
  try {
    parsed = JSON.parse(text) as Partial<EntryRecord>;
  } catch {
    return undefined;
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    typeof parsed.key !== 'string' ||
    !isCacheStage(parsed.stage) ||
    typeof parsed.id !== 'string' ||
    typeof parsed.value !== 'string' ||
    typeof parsed.files !== 'object' ||
    parsed.files === null ||
    typeof parsed.bytes !== 'number' ||
    typeof parsed.createdAt !== 'number' ||
    typeof parsed.expiresAt !== 'number'
  ) {
    return undefined;
  }
  return { ...(parsed as EntryRecord), lastAccessAt };
}
