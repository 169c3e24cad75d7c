/**
 * `npm run bench:cluster`: vidflow on separate hosts (test/cluster: network namespaces, the Temporal server 1.29.1
 * with 4 shards on its own PostgreSQL, SeaweedFS, 2 API hosts, 3 worker hosts), all on this machine's two cores.
 *
 *  1. Submissions: POST /api/videos spread over both APIs at CONNECTIONS concurrent clients for DURATION_S, beside
 *     the same workflow starts made by a Temporal client straight to the server (the ceiling), in the same run. The
 *     workers are stopped meanwhile, so both measure the start path and not the renders they would trigger (the
 *     started workflows are left to the cluster's removal). The batches run first, on task queues without them.
 *  2. A batch of BATCH_ITEMS short videos on one worker host, then the same batch (other scripts, nothing cached) on
 *     three: renders/s and efficiency (CPU-seconds of the workers and their ffmpeg/espeak-ng children / cores / wall).
 *     The hosts share two cores, so the honest expectation is that three hosts cost no throughput.
 */
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '@vidflow/config';
import { VIDEO_WORKFLOW, VideoRequestSchema, type BatchStatusView, type VideoWorkflowInput } from '@vidflow/contracts';
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { Cluster } from '../test/cluster/cluster';
import { cpuSeconds } from './bench-stack';
import { machineLine, writeSection } from './bench-report';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 20);
const BATCH_ITEMS = Number(process.env.BENCH_BATCH_ITEMS ?? 50);

interface Rate {
  name: string;
  ok: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

async function closedLoop(name: string, call: (n: number) => Promise<boolean>): Promise<Rate> {
  console.log(`${name}: ${CONNECTIONS} concurrent for ${DURATION_S} s...`);
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const start = performance.now();
  const end = Date.now() + DURATION_S * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < end) {
        const t0 = performance.now();
        if (await call(n++).catch(() => false)) latencies.push(performance.now() - t0);
        else errors++;
      }
    }),
  );
  const wall = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return { name, ok: latencies.length, errors, perSecond: latencies.length / wall, p50Ms: at(0.5), p99Ms: at(0.99) };
}

async function runBatch(cluster: Cluster, tag: string, workers: number): Promise<{ workers: number; wall: number; cpu: number; rendersPerSecond: number; efficiency: number; completed: number }> {
  const pids = cluster.workerHosts.slice(0, workers).map((_, i) => cluster.process(`worker${i + 1}`).pid!);
  const before = pids.map(cpuSeconds);
  const items = Array.from({ length: BATCH_ITEMS }, (_, i) => ({ script: `${tag} video ${i}. A short scene for the cluster benchmark.`, render: { height: 240 } }));
  const t0 = performance.now();
  const res = await fetch(`${cluster.apiUrl(0)}/api/batches`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items, maxConcurrent: 8 }) });
  if (res.status !== 202) throw new Error(`batch refused: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  let batch: BatchStatusView;
  for (;;) {
    batch = (await (await fetch(`${cluster.apiUrl(1)}/api/batches/${id}?limit=1`)).json()) as BatchStatusView;
    if (['completed', 'failed', 'cancelled'].includes(batch.status)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = pids.map(cpuSeconds).reduce((sum, after, i) => sum + after - before[i]!, 0);
  return { workers, wall, cpu, rendersPerSecond: batch.completed / wall, efficiency: cpu / cpus().length / wall, completed: batch.completed };
}

async function main(): Promise<void> {
  const cluster = new Cluster({ apis: 2, workers: 3 });
  try {
    console.log('starting the cluster...');
    await cluster.start();
    const config = loadConfig({});
    const connection = await Connection.connect({ address: cluster.temporalAddress });
    const client = new Client({ connection });
    try {
      // The batches first, on clean task queues: the submission phase leaves thousands of terminated workflows whose
      // queued tasks the server would still be dropping while a batch ran.
      for (let i = 1; i < cluster.workerHosts.length; i++) await cluster.process(`worker${i + 1}`).stop();
      const one = await runBatch(cluster, `one-${Date.now()}`, 1);
      await cluster.startWorker(1);
      await cluster.startWorker(2);
      const three = await runBatch(cluster, `three-${Date.now()}`, 3);

      for (let i = 0; i < cluster.workerHosts.length; i++) await cluster.process(`worker${i + 1}`).stop();
      const submitted: string[] = [];
      const viaApi = await closedLoop('video submissions through 2 APIs', async (n) => {
        const res = await fetch(`${cluster.apiUrl(n % 2)}/api/videos`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ script: `Bench ${n}.`, cache: { mode: 'bypass' } }),
        });
        if (res.status !== 202) return false;
        submitted.push(((await res.json()) as { id: string }).id);
        return true;
      });
      const started: string[] = [];
      const direct = await closedLoop('workflow starts, Temporal client direct (ceiling)', async (n) => {
        const videoId = `vid-${randomUUID()}`;
        const input: VideoWorkflowInput = {
          videoId,
          request: VideoRequestSchema.parse({ script: `Direct ${n}.`, cache: { mode: 'bypass' } }),
          ttsParallelism: config.ttsParallelism,
          renderTaskQueue: config.taskQueues.render,
          llmTaskQueue: config.taskQueues.llm,
        };
        await client.workflow.start(VIDEO_WORKFLOW, { workflowId: videoId, taskQueue: config.taskQueues.io, args: [input] });
        started.push(videoId);
        return true;
      });

      const ratio = viaApi.perSecond / direct.perSecond;
      const rows = [viaApi, direct].map((r) => `| ${r.name} | ${r.perSecond.toFixed(0)}/s | ${r.p50Ms} ms | ${r.p99Ms} ms | ${r.errors} |`);
      const batchRows = [one, three].map(
        (b) => `| ${b.workers} | ${b.completed}/${BATCH_ITEMS} | ${b.wall.toFixed(1)} s | ${b.rendersPerSecond.toFixed(2)}/s | ${b.cpu.toFixed(1)} s | ${b.efficiency.toFixed(2)} |`,
      );
      const md = `## Cluster (\`npm run bench:cluster\`)

Machine: ${machineLine()}. Separate hosts in network namespaces on this one machine (test/cluster): the Temporal
server 1.29.1 (4 history shards) on its own PostgreSQL, SeaweedFS, 2 API hosts, 3 worker hosts, all on the same
${cpus().length} cores. Measured ${new Date().toISOString().slice(0, 10)}.

Submissions, ${CONNECTIONS} concurrent clients for ${DURATION_S} s each, workers stopped (the start path only):

| run | rate | p50 | p99 | errors |
|---|---|---|---|---|
${rows.join('\n')}

Through the APIs: **${ratio.toFixed(2)}x** the direct starts (target 0.9x).

A batch of ${BATCH_ITEMS} short 240p videos (maxConcurrent 8), on one worker host and then on three:

| worker hosts | completed | wall | renders/s | CPU (workers + children) | efficiency |
|---|---|---|---|---|---|
${batchRows.join('\n')}

Three hosts against one: ${(three.rendersPerSecond / one.rendersPerSecond).toFixed(2)}x the renders per second (the hosts share the cores).`;
      console.log(md);
      writeSection('cluster', md);
    } finally {
      await connection.close();
    }
  } finally {
    cluster.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
