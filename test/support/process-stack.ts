import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildDevServerArgs, waitForTemporal } from '../../apps/launcher/src/temporal-dev-server';
import { findTemporalBinary } from '../../apps/launcher/src/temporal-binary';
import { waitFor } from '../../apps/launcher/src/wait-for';

const APPS = resolve(__dirname, '..', '..', 'apps');
/** Cold starts on a busy two-core machine take tens of seconds; these bound hangs, they assert nothing. */
const READY_TIMEOUT_MS = 180_000;

export interface MemorySample {
  /** Resident set size now (VmRSS). */
  rssBytes: number;
  /** Highest resident set size of the process's life so far (VmHWM). */
  peakRssBytes: number;
}

interface SpawnSpec {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/**
 * One process of a stack (Temporal dev server, worker or API) that a test starts, kills and starts again
 * as it likes: no supervisor restarts it behind the test's back. Output is appended to a log file.
 */
export class StackProcess {
  private child?: ChildProcess;
  private exit?: Promise<void>;
  /** How many times the test started it. */
  starts = 0;
  /** Signals the test sent to end it, in order. */
  readonly kills: NodeJS.Signals[] = [];

  constructor(
    readonly name: string,
    readonly logFile: string,
    private readonly spec: () => SpawnSpec,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.running ? this.child!.pid : undefined;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running (pid ${this.child!.pid})`);
    const { command, args, env } = this.spec();
    const log = openSync(this.logFile, 'a');
    try {
      const child = spawn(command, args, { env, stdio: ['ignore', log, log] });
      this.child = child;
      this.exit = new Promise((done) => {
        child.once('exit', () => done());
        child.once('error', () => done());
      });
    } finally {
      closeSync(log);
    }
    this.starts++;
  }

  /** Sends `signal` and waits until the process has gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    this.kills.push(signal);
    this.child!.kill(signal);
    await this.exit;
  }

  /** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs = 30_000): Promise<void> {
    if (!this.running) return;
    const child = this.child!;
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.kill('SIGTERM');
    await this.exit;
    clearTimeout(killer);
  }

  /** Resident memory of the process (not of its ffmpeg children), from /proc; undefined once it has gone. */
  memory(): MemorySample | undefined {
    const pid = this.pid;
    if (pid === undefined) return undefined;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
      return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
    } catch {
      return undefined;
    }
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

export interface ProcessStackOptions {
  /** Fixed ports, so that a restarted process comes back where the others expect it: Temporal on
   *  `basePort`, the API on `basePort + 1`, the worker's health and metrics on `basePort + 2`. */
  basePort: number;
  /** Settings for the worker and the API (both get the same ones, as in production). */
  env?: NodeJS.ProcessEnv;
}

/**
 * vidflow as separate processes, the way `npm start` runs it (the built `apps/<app>/dist/main.js` and the
 * Temporal CLI's dev server on a SQLite file), but with each process under the test's control, so that
 * a test can SIGKILL the worker, the API or Temporal itself and start it again on the same state.
 * Everything lives in a fresh temporary directory: `data/` (DATA_DIR), `temporal.db`, and one log per process.
 */
export class ProcessStack {
  readonly dir: string;
  readonly dataDir: string;
  readonly dbFile: string;
  readonly temporalAddress: string;
  readonly apiUrl: string;
  readonly workerUrl: string;
  readonly temporal: StackProcess;
  readonly worker: StackProcess;
  readonly api: StackProcess;
  /** `ulimit -f` (in KiB) for the next worker start; undefined for none. */
  workerFileSizeLimitKb?: number;
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: ProcessStackOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'vidflow-reliability-'));
    this.dataDir = join(this.dir, 'data');
    mkdirSync(this.dataDir);
    this.dbFile = join(this.dir, 'temporal.db');
    const port = options.basePort;
    this.temporalAddress = `127.0.0.1:${port}`;
    this.apiUrl = `http://127.0.0.1:${port + 1}`;
    this.workerUrl = `http://127.0.0.1:${port + 2}`;
    this.env = {
      ...process.env,
      DATA_DIR: this.dataDir,
      TEMPORAL_ADDRESS: this.temporalAddress,
      API_PORT: String(port + 1),
      WORKER_HTTP_PORT: String(port + 2),
      WORKER_TEMPORAL_METRICS_PORT: '0',
      RENDER_PRESET: 'ultrafast',
      ...options.env,
    };
    const bin = findTemporalBinary(process.env.TEMPORAL_BIN);
    if (!bin) throw new Error('no Temporal CLI: run `bash scripts/setup.sh` first (npm test does)');
    this.temporal = new StackProcess('temporal', join(this.dir, 'temporal.log'), () => ({
      command: bin,
      args: buildDevServerArgs({ port, dbFile: this.dbFile }),
      env: process.env,
    }));
    const node = (app: string): SpawnSpec => ({ command: process.execPath, args: [join(APPS, app, 'dist', 'main.js')], env: this.env });
    this.worker = new StackProcess('worker', join(this.dir, 'worker.log'), () => {
      const spec = node('worker');
      if (this.workerFileSizeLimitKb === undefined) return spec;
      // bash's `ulimit -f` counts 1024-byte blocks; exec keeps the worker's pid the one the test holds.
      const script = `ulimit -f ${this.workerFileSizeLimitKb} && exec "$0" "$@"`;
      return { ...spec, command: 'bash', args: ['-c', script, spec.command, ...spec.args] };
    });
    this.api = new StackProcess('api', join(this.dir, 'api.log'), () => node('api'));
  }

  /** Temporal, then the worker and the API; resolves once each answers. */
  async start(): Promise<this> {
    await this.startTemporal();
    await Promise.all([this.startWorker(), this.startApi()]);
    return this;
  }

  async startTemporal(): Promise<void> {
    this.temporal.start();
    await this.ready(this.temporal, () => waitForTemporal(this.temporalAddress, READY_TIMEOUT_MS));
  }

  /** Ready when its Temporal Workers run (GET /health/ready on the worker's HTTP port). */
  async startWorker(): Promise<void> {
    this.worker.start();
    await this.ready(this.worker, () => waitFor('the worker', async () => (await fetch(`${this.workerUrl}/health/ready`)).ok, READY_TIMEOUT_MS, 250));
  }

  /** Ready when it serves HTTP (its own /health/ready also wants 1 GiB of free disk, which scenario 6 takes away). */
  async startApi(): Promise<void> {
    this.api.start();
    await this.ready(this.api, () => waitFor('the API', async () => (await fetch(`${this.apiUrl}/health/live`)).ok, READY_TIMEOUT_MS, 100));
  }

  /** API first (stops taking requests), then the worker, then Temporal; removes the directory. */
  async stop(): Promise<void> {
    await this.api.stop();
    await this.worker.stop();
    await this.temporal.stop();
    if (!process.env.VIDFLOW_KEEP_RELIABILITY_DIRS) rmSync(this.dir, { recursive: true, force: true });
  }

  async get<T = unknown>(path: string): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.apiUrl}${path}`);
    return { status: res.status, body: (await res.json()) as T };
  }

  async post<T = unknown>(path: string, body: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.apiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as T };
  }

  /** The worker's Prometheus text (GET /metrics on its HTTP port). */
  async workerMetrics(): Promise<string> {
    return (await fetch(`${this.workerUrl}/metrics`)).text();
  }

  private async ready(proc: StackProcess, wait: () => Promise<void>): Promise<void> {
    try {
      await wait();
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- ${proc.name} log (${proc.logFile}) ---\n${proc.logTail()}`);
    }
  }
}

/**
 * Registers jest hooks that start a ProcessStack before the file's tests and stop it after; returns the stack
 * (read it inside tests, once beforeAll has run).
 */
export function useProcessStack(options: ProcessStackOptions): () => ProcessStack {
  let stack: ProcessStack | undefined;
  beforeAll(async () => {
    stack = await new ProcessStack(options).start();
  });
  afterAll(async () => {
    await stack?.stop();
  });
  return () => stack!;
}
