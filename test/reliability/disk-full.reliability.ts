import { Client, Connection } from '@temporalio/client';
import type { VideoStatusView } from '@vidflow/contracts';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SMALL_HEIGHT, scratchLeftovers, waitForVideoDone } from '../support/batch-under-fault';
import { auditCache, type CacheAudit } from '../support/cache-audit';
import { ffprobe } from '../support/ffprobe';
import { ProcessStack } from '../support/process-stack';
import { recordResults } from '../support/reliability-results';
import { activityRuns } from '../support/workflow-history';

const TMPFS_BYTES = 48 * 1024 * 1024;
/** Free bytes left on the artifact store for each attempt: none, then enough for some stages but not all. */
const FREE_LEVELS = [0, 256 * 1024, 700 * 1024];
/** For the fallback: a per-file limit below a scene's WAV (about 100 kB a second of speech). */
const FILE_SIZE_LIMIT_KB = 64;
const CLEAR_ERROR = /no space left on device|ENOSPC|file too large|EFBIG|SIGXFSZ/i;

/**
 * Scenario 6: the artifact store (DATA_DIR, with the cache in it) runs out of space. Where the machine lets
 * the test mount, DATA_DIR is a small tmpfs that is filled to several levels; elsewhere (or with
 * VIDFLOW_RELIABILITY_DISK=ulimit) the worker runs under a file-size limit (`ulimit -f`). Either way each
 * video fails with an error that says why, the cache holds no entry that does not read back whole, and once
 * the space is back the same requests and new ones succeed.
 */
describe('reliability: artifact store out of space', () => {
  let stack: ProcessStack;
  let mode: 'tmpfs' | 'ulimit';
  let connection: Connection;
  let client: Client;
  beforeAll(async () => {
    stack = new ProcessStack({ basePort: 7660 });
    mode = process.env.VIDFLOW_RELIABILITY_DISK !== 'ulimit' && tryMountTmpfs(stack.dataDir, TMPFS_BYTES) ? 'tmpfs' : 'ulimit';
    await stack.start();
    connection = await Connection.connect({ address: stack.temporalAddress });
    client = new Client({ connection });
  });
  afterAll(async () => {
    await connection?.close();
    if (!stack) return;
    await stack.api.stop();
    await stack.worker.stop();
    await stack.temporal.stop();
    if (mode === 'tmpfs') execFileSync('umount', [stack.dataDir]);
    await stack.stop();
  });

  const request = (n: number) => ({ script: `Disk check number ${n}. The quick brown fox jumps over the lazy dog.`, render: { height: SMALL_HEIGHT } });
  const make = async (body: object) => {
    const res = await stack.post<{ id: string }>('/api/videos', body);
    expect(res.status).toBe(202);
    const status = await waitForVideoDone(stack, res.body.id);
    const runs = await activityRuns(client, res.body.id);
    return {
      id: res.body.id,
      status: status.status,
      error: status.error,
      attempts: Object.fromEntries(runs.map((r) => [r.activity, r.attempts])),
      view: status,
    };
  };
  const valid = (v: { id: string; view: VideoStatusView }) => {
    const probe = ffprobe(join(stack.dataDir, 'videos', `${v.id}.mp4`));
    return probe.video?.codec === 'h264' && probe.audio?.codec === 'aac' && Math.abs(probe.duration - v.view.stages.tts.audioSeconds!) < 0.2;
  };

  const FAILED_CLEARLY = 'failed, saying why';
  const COMPLETED_WHOLE = 'completed with a playable file';
  /** What became of a video, in words; anything but the two accepted outcomes names what went wrong. */
  const outcomeOf = (v: Awaited<ReturnType<typeof make>>): string => {
    if (v.status === 'failed') return CLEAR_ERROR.test(v.error?.message ?? '') ? FAILED_CLEARLY : `failed with an unclear error: ${v.error?.message}`;
    if (v.status === 'completed') return valid(v) ? COMPLETED_WHOLE : 'completed with a broken file';
    return `ended ${v.status}`;
  };

  it('fails with a clear error, keeps the cache intact, and works again once space returns', async () => {
    const warmUp = await make(request(0));
    expect(warmUp.status).toBe('completed');

    const starved: Array<Awaited<ReturnType<typeof make>> & { freeBytes?: number; fileSizeLimitKb?: number; request: object }> = [];
    const audits: CacheAudit[] = [];
    if (mode === 'tmpfs') {
      const filler = join(stack.dataDir, 'filler');
      for (const [i, free] of FREE_LEVELS.entries()) {
        fillLeaving(filler, free);
        const body = request(i + 1);
        starved.push({ ...(await make(body)), freeBytes: statfsFree(stack.dataDir), request: body });
        audits.push(await auditCache(join(stack.dataDir, 'cache')));
        rmSync(filler);
      }
    } else {
      await stack.worker.stop();
      stack.workerFileSizeLimitKb = FILE_SIZE_LIMIT_KB;
      await stack.startWorker();
      const body = request(1);
      starved.push({ ...(await make(body)), fileSizeLimitKb: FILE_SIZE_LIMIT_KB, request: body });
      audits.push(await auditCache(join(stack.dataDir, 'cache')));
      await stack.worker.stop();
      stack.workerFileSizeLimitKb = undefined;
      await stack.startWorker();
    }

    // Space is back: the starved requests again, and a new one.
    const again = [];
    for (const s of starved) again.push(await make(s.request));
    const fresh = await make(request(99));
    const finalAudit = await auditCache(join(stack.dataDir, 'cache'));
    recordResults('6-disk-full', {
      mode,
      ...(mode === 'tmpfs' ? { tmpfsBytes: TMPFS_BYTES } : { fileSizeLimitKb: FILE_SIZE_LIMIT_KB }),
      starved: starved.map(({ view: _v, request: _r, ...s }) => s),
      cacheAfterEachStarvedVideo: audits,
      afterSpaceReturned: [...again, fresh].map((v) => ({ status: v.status, attempts: v.attempts, validFile: v.status === 'completed' && valid(v) })),
      finalCache: finalAudit,
      cacheWritesSkippedForLackOfSpace: (readFileSync(stack.worker.logFile, 'utf8').match(/cache write failed/g) ?? []).length,
      scratchLeftovers: scratchLeftovers(stack.dataDir),
    });

    // With no space at all the video cannot be made; whatever fails says why, whatever completes is whole.
    // One outcome per starved video, asserted for every one of them (the list has one entry per fill level).
    expect(starved).toHaveLength(mode === 'tmpfs' ? FREE_LEVELS.length : 1);
    const outcomes = starved.map(outcomeOf);
    expect(outcomes[0]).toBe(FAILED_CLEARLY);
    const unexpected = outcomes.map((outcome, level) => ({ level, outcome })).filter(({ outcome }) => outcome !== FAILED_CLEARLY && outcome !== COMPLETED_WHOLE);
    expect(unexpected).toEqual([]);
    for (const audit of [...audits, finalAudit]) {
      expect(audit.corrupt).toEqual([]);
      expect(audit.totalsEntries).toBe(audit.entries);
    }
    for (const v of [...again, fresh]) {
      expect(v.status).toBe('completed');
      expect(valid(v)).toBe(true);
    }
    expect(scratchLeftovers(stack.dataDir)).toEqual([]);
  });
});

function tryMountTmpfs(dir: string, bytes: number): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false; // not root, or a sandbox without CAP_SYS_ADMIN
  }
}

function statfsFree(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Writes `path` until the file system has `free` bytes left (or none). */
function fillLeaving(path: string, free: number): void {
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  const fd = openSync(path, 'w');
  try {
    let left = statfsFree(path.replace(/\/[^/]+$/, '')) - free;
    while (left > 0) {
      try {
        left -= writeSync(fd, chunk, 0, Math.min(chunk.length, left));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
        throw err;
      }
    }
  } finally {
    closeSync(fd);
  }
}
