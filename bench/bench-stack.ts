import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot } from './bench-report';

// From the repository's root: compiled benches sit at different depths under bench/dist.
const LAUNCHER = resolve(repoRoot(__dirname), 'apps', 'launcher', 'dist', 'main.js');
const TICKS = 100; // USER_HZ: /proc times are in clock ticks (getconf CLK_TCK is 100 on Linux)

export interface BenchStack {
  /** `http://127.0.0.1:<api port>` */
  api: string;
  temporalAddress: string;
  dataDir: string;
  /** The environment the stack was started with (a fresh DATA_DIR, the ports, the caller's extras). */
  env: NodeJS.ProcessEnv;
  launcher: ChildProcess;
  /** pid of the launcher's child whose command line matches `pattern` (`^vidflow-api`, `^vidflow-worker`, `server start-dev`). */
  childPid(pattern: string): number;
  /** Stops the stack: SIGTERM, SIGKILL after 90 s; idempotent. The data directory stays. */
  stop(): Promise<void>;
  /** stop(), then removes the data directory. */
  close(): Promise<void>;
}

/**
 * The stack `npm start` runs (Temporal dev server, one worker, the API, each a process of its own) on
 * the given ports with a fresh data directory, started and ready; what every benchmark measures against.
 */
export async function startBenchStack(name: string, ports: { api: number; temporal: number; ui: number }, extraEnv: NodeJS.ProcessEnv = {}): Promise<BenchStack> {
  const dataDir = mkdtempSync(join(tmpdir(), `vidflow-bench-${name}-`));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    API_PORT: String(ports.api),
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    ...extraEnv,
  };
  delete env.TEMPORAL_ADDRESS;
  const launcher = spawn(process.execPath, [LAUNCHER, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (launcher.exitCode !== null || launcher.signalCode !== null) return;
      launcher.kill('SIGTERM');
      const killer = setTimeout(() => launcher.kill('SIGKILL'), 90_000);
      await new Promise((r) => launcher.once('exit', r));
      clearTimeout(killer);
    })());
  const close = async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await drain(launcher).waitFor(/vidflow is ready/, 180_000);
  } catch (err) {
    await close();
    throw err;
  }
  return {
    api: `http://127.0.0.1:${ports.api}`,
    temporalAddress: `127.0.0.1:${ports.temporal}`,
    dataDir,
    env,
    launcher,
    childPid: (pattern) => Number(execFileSync('pgrep', ['-P', String(launcher.pid), '-f', pattern], { encoding: 'utf8' }).trim().split('\n')[0]),
    stop,
    close,
  };
}

/** Reads a child's output continuously (a full pipe would stall it), keeping the tail for errors. */
export function drain(child: ChildProcess) {
  let tail = '';
  const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
  const onData = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-20_000);
    for (const w of [...waiters]) {
      if (!w.re.test(tail)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return {
    waitFor(re: RegExp, timeoutMs: number): Promise<void> {
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready:\n${tail.slice(-3000)}`)), timeoutMs);
        child.once('exit', (code) => reject(new Error(`exited (${code}):\n${tail.slice(-3000)}`)));
        waiters.push({
          re,
          resolve: () => {
            clearTimeout(timer);
            resolvePromise();
          },
        });
      });
    },
  };
}

/** utime + stime of the process and of its waited-for children (ffmpeg, espeak-ng), in seconds; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields 14-17 of proc(5) are utime, stime, cutime, cstime; after the command they start at index 11.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields.slice(11, 15).reduce((sum, v) => sum + Number(v), 0) / TICKS;
  } catch {
    return 0;
  }
}

/** POSTs a video request to a bench stack's API and answers the new video's id (any answer but 202 throws). */
export async function submitVideo(api: string, body: object): Promise<string> {
  const res = await fetch(`${api}/api/videos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 202) throw new Error(`POST /api/videos: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Resident memory of a process in MiB, from /proc/<pid>/status. */
export function rssMiB(pid: number): number {
  const kb = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return kb / 1024;
}
