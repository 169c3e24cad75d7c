import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CacheLockTimeoutError } from './cache-errors';
import { FileLock } from './file-lock';

/** The next writeSync throws this (a full disk), once. */
const mockNextWriteError: { error?: Error } = {};
jest.mock('node:fs', () => {
  const actual = jest.requireActual<typeof import('node:fs')>('node:fs');
  return {
    ...actual,
    writeSync: (...args: Parameters<typeof actual.writeSync>) => {
      const error = mockNextWriteError.error;
      mockNextWriteError.error = undefined;
      if (error) throw error;
      return actual.writeSync(...args);
    },
  };
});

describe('FileLock', () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vidflow-lock-'));
    path = join(dir, 'lock');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('a lock whose owner could not be written (disk full) is removed, not left for others to wait on', async () => {
    mockNextWriteError.error = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    await expect(new FileLock({ path }).acquire()).rejects.toThrow('ENOSPC');
    expect(existsSync(path)).toBe(false);
    const release = await new FileLock({ path, timeoutMs: 100 }).acquire();
    await release();
  });

  it('lets one holder at a time into the critical section', async () => {
    // Separate instances, as separate processes would have.
    const locks = Array.from({ length: 4 }, () => new FileLock({ path }));
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        locks[n % 4].withLock(async () => {
          inside++;
          most = Math.max(most, inside);
          await new Promise((resolve) => setTimeout(resolve, 1));
          order.push(n);
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(order.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(existsSync(path)).toBe(false);
  });

  it('releases the lock when the critical section throws', async () => {
    const lock = new FileLock({ path });
    await expect(lock.withLock(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(path)).toBe(false);
  });

  it('takes over at once a lock whose holder died on this host', async () => {
    // Linux never hands out a pid above 2^22 (the largest pid_max), so no process has this one: a dead holder
    // without spawning a child process to get one.
    const deadPid = 2 ** 22 + 1;
    expect(() => process.kill(deadPid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    await writeFile(path, JSON.stringify({ token: 'dead', pid: deadPid, host: hostname() }));
    // tryAcquire never waits (it answers undefined while a live holder has the lock, see below), and the
    // lock is fresh, far from staleMs: getting it means the dead pid alone made it take the lock over.
    const release = await new FileLock({ path, staleMs: 60_000 }).tryAcquire();
    expect(release).toBeDefined();
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    await release!();
    expect(await readdir(dir)).toEqual([]);
  });

  it('takes over a lock older than staleMs even if its holder may be alive (another host)', async () => {
    await writeFile(path, JSON.stringify({ token: 'other', pid: 1, host: 'another-host' }));
    const old = new Date(Date.now() - 10_000);
    await utimes(path, old, old);
    await new FileLock({ path, timeoutMs: 2000, staleMs: 5000 }).withLock(async () => undefined);
    expect(existsSync(path)).toBe(false);
  });

  it('waits for a live holder and gives up with CacheLockTimeoutError', async () => {
    await writeFile(path, JSON.stringify({ token: 'alive', pid: process.pid, host: hostname() }));
    const lock = new FileLock({ path, timeoutMs: 150, staleMs: 60_000 });
    await expect(lock.withLock(async () => undefined)).rejects.toThrow(CacheLockTimeoutError);
    // Not ours, so not removed.
    expect(existsSync(path)).toBe(true);
  });

  it('tryAcquire returns undefined at once while another holds the lock', async () => {
    const first = new FileLock({ path });
    const release = await first.tryAcquire();
    expect(release).toBeDefined();
    expect(await new FileLock({ path }).tryAcquire()).toBeUndefined();
    await release!();
    const again = await new FileLock({ path }).tryAcquire();
    expect(again).toBeDefined();
    await again!();
  });
});
