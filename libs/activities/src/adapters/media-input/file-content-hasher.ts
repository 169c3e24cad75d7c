import { createHash } from 'node:crypto';
import { createReadStream, type BigIntStats } from 'node:fs';
import { stat } from 'node:fs/promises';

interface Memo {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  sha256: string;
}

/**
 * sha256 (hex) of files' contents, remembered per path while the file's device, inode, size, mtime and ctime
 * stay the same, so a large background video is read once per change, not once per video. ctime is checked
 * as well as mtime because copying with `cp -p` or extracting an archive over a file restores an old mtime,
 * but the kernel always sets ctime. A file that changes while it is hashed is not remembered. Concurrent
 * calls for the same unchanged file share one read.
 */
export class FileContentHasher {
  private readonly memo = new Map<string, Memo>();
  private readonly reading = new Map<string, Promise<string>>();

  constructor(private readonly maxEntries = 10_000) {}

  async sha256(path: string): Promise<string> {
    const before = await stat(path, { bigint: true });
    const known = this.memo.get(path);
    if (known && sameFile(known, before)) {
      // Most recently used last: the oldest entry is the one dropped when full.
      this.memo.delete(path);
      this.memo.set(path, known);
      return known.sha256;
    }
    const readKey = `${path}\0${signature(before)}`;
    let pending = this.reading.get(readKey);
    if (!pending) {
      pending = this.read(path, before).finally(() => this.reading.delete(readKey));
      this.reading.set(readKey, pending);
    }
    return pending;
  }

  /** How many files are remembered (for tests). */
  get size(): number {
    return this.memo.size;
  }

  /** Reads the whole file: what the memo saves. */
  protected async digest(path: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  private async read(path: string, before: BigIntStats): Promise<string> {
    const sha256 = await this.digest(path);
    const after = await stat(path, { bigint: true });
    if (signature(after) === signature(before)) {
      this.memo.delete(path);
      if (this.memo.size >= this.maxEntries) this.memo.delete(this.memo.keys().next().value!);
      this.memo.set(path, { dev: after.dev, ino: after.ino, size: after.size, mtimeNs: after.mtimeNs, ctimeNs: after.ctimeNs, sha256 });
    }
    return sha256;
  }
}

function sameFile(memo: Memo, s: BigIntStats): boolean {
  return memo.dev === s.dev && memo.ino === s.ino && memo.size === s.size && memo.mtimeNs === s.mtimeNs && memo.ctimeNs === s.ctimeNs;
}

function signature(s: BigIntStats): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

/** One hasher per process: the render and pipeline-cache activities of a worker share what it remembers. */
export const fileContentHasher = new FileContentHasher();
