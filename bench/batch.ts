/**
 * `npm run bench:batch`: a batch of 50 videos of about 30 s each on the offline defaults, through the
 * real stack (`npm start`'s launcher: Temporal dev server, one worker, the API). Records the wall time
 * and the efficiency: the CPU seconds the worker and the processes it ran (espeak-ng, ffmpeg) used,
 * divided by the cores, over the batch's wall time. 1.0 means every core was busy doing the batch's
 * work for the whole run. Writes its section of BENCHMARKS.md.
 */
import { cpus } from 'node:os';
import { machineLine, writeSection } from './bench-report';
import { cpuSeconds, startBenchStack } from './bench-stack';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 50);
const TARGET_SECONDS = 30;
const MAX_CONCURRENT = Number(process.env.BENCH_MAX_CONCURRENT ?? 5);
const PORTS = { api: 3190, temporal: 7390, ui: 8390 };

async function main(): Promise<void> {
  const stack = await startBenchStack('batch', PORTS);
  try {
    const workerPid = stack.childPid('^vidflow-worker');
    const { api } = stack;
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
    await stack.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
