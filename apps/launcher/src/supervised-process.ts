import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface SupervisedProcessOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Where prefixed output lines go (stdout of the launcher by default). */
  log: (line: string) => void;
}

const MIN_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;
/** A child that stayed up this long is considered healthy again: its next crash restarts at once. */
const STABLE_AFTER_MS = 60_000;

/**
 * One child process that is restarted with exponential backoff whenever it exits on its own.
 * Children are not detached: they stay in the launcher's process group, so a terminal's Ctrl-C reaches
 * them too and nothing outlives the launcher.
 */
export class SupervisedProcess {
  private child?: ChildProcess;
  private stopping = false;
  private restarts = 0;
  private backoffMs = MIN_BACKOFF_MS;
  private restartTimer?: NodeJS.Timeout;
  private exited?: Promise<void>;

  constructor(private readonly options: SupervisedProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get restartCount(): number {
    return this.restarts;
  }

  start(): void {
    const { name, command, args, env, log } = this.options;
    const startedAt = Date.now();
    const child = spawn(command, args, { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => log(`[${name}] ${line}`));
    }
    this.exited = new Promise((resolve) => {
      child.on('error', (err) => log(`[${name}] could not start ${command}: ${err.message}`));
      child.on('exit', (code, signal) => {
        resolve();
        if (this.stopping) return;
        if (Date.now() - startedAt > STABLE_AFTER_MS) this.backoffMs = MIN_BACKOFF_MS;
        const delay = this.backoffMs;
        this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
        this.restarts++;
        log(`[launcher] ${name} exited (${signal ?? `code ${code}`}); restarting in ${delay / 1000}s (restart #${this.restarts})`);
        this.restartTimer = setTimeout(() => this.start(), delay);
      });
    });
  }

  /** SIGTERM, then SIGKILL if the child is still there after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(killer);
  }
}
