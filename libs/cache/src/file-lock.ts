import { randomUUID } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { CacheLockTimeoutError } from './cache-errors';
import { errnoCode as code } from './errno-code';

export interface FileLockOptions {
  path: string;
  /** How long to wait for a live holder before giving up with CacheLockTimeoutError. */
  timeoutMs?: number;
  /**
   * A lock older than this is taken over even if its holder may be alive (another host, or a frozen process).
   * Critical sections under this lock last milliseconds, so the default leaves a wide margin.
   */
  staleMs?: number;
}

interface LockOwner {
  token: string;
  pid: number;
  host: string;
}

/**
 * A lock between processes: a file created with O_EXCL ('wx'), which exactly one process can create. A holder
 * that died leaves the file behind; it is taken over at once when its pid is gone on this host, otherwise when
 * the file is older than `staleMs`. Taking over renames the file to a unique name first (only one of several
 * contenders can rename it) and checks that what it renamed is the lock it judged stale; if a fresh lock was
 * renamed by mistake it is linked back (link fails instead of overwriting a newer lock).
 */
export class FileLock {
  private readonly path: string;
  private readonly timeoutMs: number;
  private readonly staleMs: number;

  constructor(options: FileLockOptions) {
    this.path = options.path;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.staleMs = options.staleMs ?? 30_000;
  }

  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      await release();
    }
  }

  /** Returns a release function, or undefined at once if the lock is held by a live process. */
  async tryAcquire(): Promise<(() => Promise<void>) | undefined> {
    const owner: LockOwner = { token: randomUUID(), pid: process.pid, host: hostname() };
    if (await this.create(owner)) return () => this.release(owner);
    if ((await this.takeOverIfStale()) && (await this.create(owner))) return () => this.release(owner);
    return undefined;
  }

  async acquire(): Promise<() => Promise<void>> {
    const started = Date.now();
    let delay = 1;
    for (;;) {
      const release = await this.tryAcquire();
      if (release) return release;
      const waited = Date.now() - started;
      if (waited >= this.timeoutMs) throw new CacheLockTimeoutError(this.path, waited);
      await new Promise((done) => setTimeout(done, delay * (0.5 + Math.random())));
      delay = Math.min(delay * 2, 25);
    }
  }

  // The lock's file operations are synchronous on purpose: a few tiny files, microseconds each, while
  // asynchronous ones would queue in libuv's 4-thread pool behind bulk artifact copies, and every millisecond
  // spent waiting there while holding the lock is a millisecond other processes wait too.

  private async create(owner: LockOwner): Promise<boolean> {
    let fd: number;
    try {
      fd = openSync(this.path, 'wx');
    } catch (error) {
      if (code(error) === 'EEXIST') return false;
      throw error;
    }
    try {
      writeSync(fd, JSON.stringify(owner));
    } catch (error) {
      // A full disk can refuse the owner after the file was created: an ownerless lock would make every
      // process wait until it looks stale, so it goes.
      closeSync(fd);
      unlinkSync(this.path);
      throw error;
    }
    closeSync(fd);
    return true;
  }

  private async release(owner: LockOwner): Promise<void> {
    // Only remove the lock if it is still ours: after a takeover (we were judged stale) it belongs to another.
    const current = this.readOwner();
    if (current?.token !== owner.token) return;
    try {
      unlinkSync(this.path);
    } catch (error) {
      if (code(error) !== 'ENOENT') throw error;
    }
  }

  private readOwner(): LockOwner | undefined {
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as LockOwner;
    } catch {
      // Missing, or created but not yet written by its owner (judged by age alone then).
      return undefined;
    }
  }

  private async takeOverIfStale(): Promise<boolean> {
    // Owner first, then age: if the file is replaced in between, the age is the new file's (fresh, kept).
    const owner = this.readOwner();
    let mtimeMs: number;
    try {
      mtimeMs = statSync(this.path).mtimeMs;
    } catch (error) {
      if (code(error) === 'ENOENT') return true;
      throw error;
    }
    const deadHere = owner !== undefined && owner.host === hostname() && !isAlive(owner.pid);
    if (!deadHere && Date.now() - mtimeMs < this.staleMs) return false;
    const aside = `${this.path}.stale-${randomUUID()}`;
    try {
      renameSync(this.path, aside);
    } catch (error) {
      if (code(error) === 'ENOENT') return true;
      throw error;
    }
    let renamed: string | undefined;
    try {
      renamed = (JSON.parse(readFileSync(aside, 'utf8')) as LockOwner).token;
    } catch {
      renamed = undefined;
    }
    const gaveBack = owner !== undefined && renamed !== owner.token;
    if (gaveBack) {
      // Someone else took the stale lock over and created a fresh one in between: give it back (link fails
      // rather than overwrite if yet another process created the lock meanwhile).
      ignoreErrors(() => linkSync(aside, this.path));
    }
    ignoreErrors(() => unlinkSync(aside));
    return !gaveBack;
  }
}

function ignoreErrors(fn: () => void): void {
  try {
    fn();
  } catch {
    // best effort
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return code(error) === 'EPERM';
  }
}
