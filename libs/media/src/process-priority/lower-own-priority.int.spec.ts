import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { getPriority } from 'node:os';
import { resolve } from 'node:path';
import { childProcessesOf, niceOfThreads, waitFor } from '../../../../test/support/process-nice';

jest.setTimeout(60_000);

/** The built library (npm run build), as the worker loads it: a child node process cannot read the TypeScript. */
const MEDIA_DIST = resolve(__dirname, '..', '..', 'dist', 'index.js');

/**
 * A node process that, like the worker at start, lowers itself with lowerOwnPriority (the built @vidflow/media), after
 * starting a worker thread (threads that exist already must be lowered too), then starts one more thread and a child
 * process (both must inherit the value) and stays alive until killed.
 */
const SCRIPT = `
const { lowerOwnPriority } = require(${JSON.stringify(MEDIA_DIST)});
const { Worker } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const early = new Worker('setInterval(() => {}, 1000)', { eval: true });
early.on('online', () => {
  const nice = lowerOwnPriority(Number(process.argv[1]));
  const late = new Worker('setInterval(() => {}, 1000)', { eval: true });
  late.on('online', () => {
    spawn('sleep', ['30'], { stdio: 'ignore' });
    process.stdout.write(JSON.stringify({ nice }) + '\\n');
  });
});
`;

describe('lowerOwnPriority (WORKER_NICE), a real process read back from /proc', () => {
  it.each([7, 0])('leaves every thread, later threads and children at nice %i (never below where it started)', async (wanted) => {
    const child = spawn(process.execPath, ['-e', SCRIPT, String(wanted)], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(child.stdout!, 'data')) as [Buffer];
      const expected = Math.max(getPriority(process.pid), wanted);
      expect(JSON.parse(line.toString())).toEqual({ nice: expected });
      const threads = niceOfThreads(child.pid!);
      // The main thread, V8's and libuv's, and both worker threads.
      expect(threads.length).toBeGreaterThan(4);
      expect(new Set(threads)).toEqual(new Set([expected]));
      const sleeper = await waitFor(() => childProcessesOf(child.pid!).find((c) => c.comm === 'sleep'));
      expect(niceOfThreads(sleeper!.pid)).toEqual([expected]);
    } finally {
      for (const c of childProcessesOf(child.pid!)) process.kill(c.pid, 'SIGKILL');
      child.kill('SIGKILL');
    }
  });
});
