import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const LAUNCHER = resolve(__dirname, '..', '..', 'apps', 'launcher', 'dist', 'main.js');

/**
 * `npm start`'s launcher as a user runs it (built JS, real child processes), with its output collected
 * so a test can wait for a line.
 */
export function startLauncher(env: NodeJS.ProcessEnv) {
  const child: ChildProcess = spawn(process.execPath, [LAUNCHER, 'start'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) {
      if (!w.re.test(out)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    process: child,
    exited,
    output: () => out,
    waitForLine(re: RegExp, timeoutMs: number): Promise<void> {
      if (re.test(out)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${re} in launcher output after ${timeoutMs}ms:\n${out.slice(-3000)}`)), timeoutMs);
        waiters.push({
          re,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    async stop(): Promise<void> {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function childPids(parent: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(parent)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

export function childPid(parent: number, title: string): number {
  const out = execFileSync('pgrep', ['-P', String(parent), '-f', `^${title}`], { encoding: 'utf8' }).trim();
  return Number(out.split('\n')[0]);
}
