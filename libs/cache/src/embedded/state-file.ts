import { createHash } from 'node:crypto';
import { closeSync, constants, openSync, readFileSync, writeSync } from 'node:fs';
import { CacheStoreError } from '../cache-errors';
import { errnoCode } from '../errno-code';
import { emptyTotals, type TotalsByStage } from '../metadata-store';
import { normaliseTotals } from './contribution';

export interface CacheState {
  /** Incremented by every write; the slot holding the higher one is the current state. */
  seq: number;
  totals: TotalsByStage;
}

/** Bytes per slot: a state is about 400 bytes of JSON, so this leaves room for many more stages. */
export const STATE_SLOT_BYTES = 4096;

/**
 * The per-stage totals (entries, bytes, hits, misses) in one file of two fixed-size slots, written in turn in
 * place, each with the sha256 of its content; a reader takes the valid slot with the higher sequence number.
 *
 * Why not write a new file and rename it over the old one: on ext4 a rename that replaces a file forces the new
 * file's data to disk (auto_da_alloc), which made every batch, and so every cache hit, wait for the disk. A write
 * torn by a crash (or seen half-done by a reader outside the lock) fails its checksum, and the other slot, one
 * batch older, is used.
 *
 * Synchronous on purpose: a few microseconds from the page cache, where an asynchronous read would wait in
 * libuv's 4-thread pool behind bulk artifact copies while every other process waits for the lock.
 */
export class StateFile {
  constructor(private readonly path: string) {}

  read(): CacheState {
    let content: Buffer;
    try {
      content = readFileSync(this.path);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return { seq: 0, totals: emptyTotals() };
      throw new CacheStoreError(`cannot read ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    const valid = [0, 1]
      .map((slot) => parseSlot(content.subarray(slot * STATE_SLOT_BYTES, (slot + 1) * STATE_SLOT_BYTES)))
      .filter((state): state is CacheState => state !== undefined)
      .sort((a, b) => b.seq - a.seq);
    return valid[0] ?? { seq: 0, totals: emptyTotals() };
  }

  /** Writes `state` as the next version (its `seq` is incremented in place) into the older slot. */
  write(state: CacheState): void {
    state.seq += 1;
    const payload = JSON.stringify({ seq: state.seq, totals: state.totals });
    const text = `${sha256(payload)}\n${payload}`;
    const slot = Buffer.alloc(STATE_SLOT_BYTES, ' ');
    if (slot.write(text) < Buffer.byteLength(text)) throw new CacheStoreError('cache state does not fit its slot');
    const fd = openSync(this.path, constants.O_RDWR | constants.O_CREAT, 0o644);
    try {
      writeSync(fd, slot, 0, STATE_SLOT_BYTES, (state.seq % 2) * STATE_SLOT_BYTES);
    } finally {
      closeSync(fd);
    }
  }
}

function parseSlot(slot: Buffer): CacheState | undefined {
  const text = slot.toString('utf8').trimEnd();
  const newline = text.indexOf('\n');
  if (newline !== 64) return undefined;
  const payload = text.slice(65);
  if (sha256(payload) !== text.slice(0, 64)) return undefined;
  try {
    const parsed = JSON.parse(payload) as Partial<CacheState>;
    return typeof parsed.seq === 'number' ? { seq: parsed.seq, totals: normaliseTotals(parsed.totals) } : undefined;
  } catch {
    return undefined;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
