/**
 * `npm run bench:batch`: a batch of 50 videos of about 30 s each on the offline defaults, through the
 * real stack (`npm start`'s launcher: Temporal dev server, one worker, the API). Records the wall time
 * and the efficiency: the CPU seconds the worker and the processes it ran (espeak-ng, ffmpeg) used,
 * divided by the cores, over the batch's wall time. 1.0 means every core was busy doing the batch's
 * work for the whole run. Writes its section of BENCHMARKS.md.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { machineLine, writeSection } from './bench-report';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 50);
const TARGET_SECONDS = 30;
const MAX_CONCURRENT = Number(process.env.BENCH_MAX_CONCURRENT ?? 5);
const PORTS = { api: 3190, temporal: 7390, ui: 8390 };
const LAUNCHER = resolve(__dirname, '..', '..', 'apps', 'launcher', 'dist', 'main.js');
const TICKS = 100; // USER_HZ: /proc times are in clock ticks (getconf CLK_TCK is 100 on Linux)

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vidflow-bench-batch-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    API_PORT: String(PORTS.api),
    TEMPORAL_PORT: String(PORTS.temporal),
    TEMPORAL_UI_PORT: String(PORTS.ui),
  };
  delete env.TEMPORAL_ADDRESS;
  const launcher = spawn(process.execPath, [LAUNCHER, 'start'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await waitForOutput(launcher, /vidflow is ready/, 180_000);
    const workerPid = Number(execFileSync('pgrep', ['-P', String(launcher.pid), '-f', '^vidflow-worker'], { encoding: 'utf8' }).trim());
    const api = `http://127.0.0.1:${PORTS.api}`;
    // Distinct topics: nothing can come from a cache, every video is made from scratch.
    const items = Array.from({ length: ITEMS }, (_, i) => ({ topic: `benchmark topic number ${i}` }));
    const cpuBefore = cpuSeconds(workerPid);
    const started = Date.now();
    const res = await fetch(`${api}/api/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items, defaults: { llm: { targetSeconds: TARGET_SECONDS } }, maxConcurrent: MAX_CONCURRENT }),
    });
    const { id } = (await res.json()) as { id: string };
    let batch: { status: string; completed: number; failed: number; items: Array<{ videoId: string }> };
    for (;;) {
      batch = (await (await fetch(`${api}/api/batches/${id}?limit=1000`)).json()) as typeof batch;
      if (!['queued', 'running'].includes(batch.status)) break;
      process.stdout.write(`\r${batch.completed}/${ITEMS} completed, ${batch.failed} failed`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const wall = (Date.now() - started) / 1000;
    const cpu = cpuSeconds(workerPid) - cpuBefore;
    const efficiency = cpu / cpus().length / wall;
    const durations = await Promise.all(
      batch.items.map(async (it) => ((await (await fetch(`${api}/api/videos/${it.videoId}`)).json()) as { result?: { durationSeconds: number } }).result?.durationSeconds ?? 0),
    );
    const videoSeconds = durations.reduce((a, b) => a + b, 0);
    console.log(`\n${batch.completed} completed, ${batch.failed} failed in ${wall.toFixed(1)} s; CPU ${cpu.toFixed(1)} s; efficiency ${efficiency.toFixed(2)}`);
    writeSection(
      'batch',
      `## Batch of ${ITEMS} videos (\`npm run bench:batch\`)

A batch of ${ITEMS} videos of about ${TARGET_SECONDS} s each (offline writer, espeak-ng, 1080x1920 captioned render), submitted
with \`POST /api/batches\` (maxConcurrent ${MAX_CONCURRENT}) to the stack \`npm start\` runs (Temporal dev server, one worker with
default concurrency, the API), timed from submission until every item was terminal.

| items | completed | failed | video produced | wall time | CPU (worker + espeak-ng + ffmpeg) | efficiency |
|---|---|---|---|---|---|---|
| ${ITEMS} | ${batch.completed} | ${batch.failed} | ${videoSeconds.toFixed(0)} s | ${wall.toFixed(1)} s | ${cpu.toFixed(1)} s | ${efficiency.toFixed(2)} |

Efficiency = CPU seconds of the worker process and the processes it ran (from /proc: utime + stime + cutime + cstime)
/ cores / wall time. Machine: ${machineLine()}. Measured ${new Date().toISOString().slice(0, 10)}.`,
    );
  } finally {
    launcher.kill('SIGTERM');
    await new Promise((r) => launcher.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** utime + stime of the process and of its waited-for children (ffmpeg, espeak-ng), in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14-17 of proc(5) are utime, stime, cutime, cstime; after the command they start at index 11.
  return fields.slice(11, 15).reduce((sum, v) => sum + Number(v), 0) / TICKS;
}

function waitForOutput(child: ChildProcess, re: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`launcher not ready:\n${out.slice(-2000)}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (re.test(out)) {
        clearTimeout(timer);
        resolvePromise();
      }
    });
  });
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
