import { randomUUID } from 'node:crypto';
import { closeSync, fstatSync, futimesSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, open, readdir, rename, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { isCacheStage } from '../cache-stage';
import { errnoCode } from '../errno-code';
import type { EntryRecord } from '../metadata-store';

export type RecordRead = { record: EntryRecord } | 'missing' | 'unreadable';

const ENTRY_FILE = /^([0-9a-f]{64})\.json$/;
const SCAN_CONCURRENCY = 32;

/**
 * One JSON file per cache key, `<entriesDir>/<key[0..2]>/<key>.json`: a lookup opens one file and never scans.
 * The file's mtime is the entry's last access (LRU order), so recording an access changes no content and needs
 * no lock. New versions are written to `tmpDir` first (`stage`) and renamed into place (`place`), so a reader
 * sees the old or the new version, never a mix.
 */
export class RecordFiles {
  /** Shard directories known to exist (they are never removed). */
  private readonly shards = new Set<string>();

  constructor(private readonly options: { entriesDir: string; tmpDir: string }) {}

  async init(): Promise<void> {
    await mkdir(this.options.entriesDir, { recursive: true });
    await mkdir(this.options.tmpDir, { recursive: true });
  }

  pathOf(key: string): string {
    return join(this.options.entriesDir, key.slice(0, 2), `${key}.json`);
  }

  /**
   * Writes a record, dated with its last access, to a temporary file and returns its path. Synchronously: a
   * record is a few hundred bytes to the page cache, and four thread-pool round trips cost far more.
   */
  stage(record: EntryRecord): string {
    const staged = join(this.options.tmpDir, `${randomUUID()}.json`);
    const { lastAccessAt, ...stored } = record;
    const fd = openSync(staged, 'wx');
    try {
      writeFileSync(fd, JSON.stringify(stored));
      futimesSync(fd, lastAccessAt / 1000, lastAccessAt / 1000);
    } finally {
      closeSync(fd);
    }
    const shard = record.key.slice(0, 2);
    if (!this.shards.has(shard)) {
      mkdirSync(join(this.options.entriesDir, shard), { recursive: true });
      this.shards.add(shard);
    }
    return staged;
  }

  /** Makes a staged record the key's current version (the rename is the commit point). */
  async place(staged: string, key: string): Promise<void> {
    await rename(staged, this.pathOf(key));
  }

  async discard(staged: string): Promise<void> {
    await unlink(staged).catch(() => undefined);
  }

  async remove(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
    }
  }

  /** Records an access; a key removed meanwhile is no error. */
  async touch(key: string, at: number): Promise<void> {
    try {
      await utimes(this.pathOf(key), at / 1000, at / 1000);
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
    }
  }

  async read(key: string): Promise<RecordRead> {
    let handle;
    try {
      handle = await open(this.pathOf(key), 'r');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return 'missing';
      throw error;
    }
    try {
      // One open file for both, so the content and the access time belong to the same version.
      const [{ mtimeMs }, text] = await Promise.all([handle.stat(), handle.readFile('utf8')]);
      return asRead(key, parseRecord(text, Math.round(mtimeMs)));
    } finally {
      await handle.close();
    }
  }

  /** As `read`, for use under the lock, where a thread-pool wait would hold every other process up. */
  readSync(key: string): RecordRead {
    let fd: number;
    try {
      fd = openSync(this.pathOf(key), 'r');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return 'missing';
      throw error;
    }
    try {
      const { mtimeMs } = fstatSync(fd);
      return asRead(key, parseRecord(readFileSync(fd, 'utf8'), Math.round(mtimeMs)));
    } finally {
      closeSync(fd);
    }
  }

  /** Every readable record (unreadable ones are skipped): eviction and bulk removal scan, nothing else does. */
  async readAll(): Promise<EntryRecord[]> {
    const keys: string[] = [];
    for (const shard of await readdir(this.options.entriesDir)) {
      for (const name of await readdir(join(this.options.entriesDir, shard)).catch(() => [] as string[])) {
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
}

function asRead(key: string, record: EntryRecord | undefined): RecordRead {
  // A record under another key's name is as good as torn: never serve it.
  return record && record.key === key ? { record } : 'unreadable';
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
