/**
 * `npm run bench:cluster`: vidflow on separate hosts (test/cluster: network namespaces, the Temporal server 1.29.1
 * with 4 shards on its own PostgreSQL, SeaweedFS, 2 API hosts, 3 worker hosts), all on this machine's two cores.
 *
 *  1. Submissions: POST /api/videos spread over both APIs at CONNECTIONS concurrent clients for DURATION_S, beside
 *     the same workflow starts made in process by the API's own TemporalGateway (the ceiling), in the same run. The
 *     workers are stopped meanwhile, so both measure the start path and not the renders they would trigger (the
 *     started workflows are left to the cluster's removal). The batches run first, on task queues without them.
 *  2. A batch of BATCH_ITEMS short videos on one worker host, then the same batch (other scripts, nothing cached) on
 *     three: renders/s and efficiency (CPU-seconds of the workers and their ffmpeg/espeak-ng children / cores / wall).
 *     The hosts share two cores, so the honest expectation is that three hosts cost no throughput.
 */
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '@vidflow/config';
import { VideoRequestSchema, videoRunSettings, videoWorkflowInput, type BatchStatusView } from '@vidflow/contracts';
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { TemporalGateway } from '../apps/api/src/temporal/temporal-gateway';
import { Cluster } from '../test/cluster/cluster';
import type { Host } from '../test/cluster/network';
import { cpuSeconds } from './bench-stack';
import { machineLine, writeSection } from './bench-report';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 20);
const BATCH_ITEMS = Number(process.env.BENCH_BATCH_ITEMS ?? 50);

interface Rate {
  name: string;
  /** CPU milliseconds per successful call, by where they were spent. */
  cpuMsPerCall: Record<string, number>;
  ok: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** CPU seconds of every process on the hosts of each group, and of this process (the load generator). */
function cpuByGroup(cluster: Cluster): Record<string, number> {
  const sum = (hosts: Host[]) => hosts.flatMap((h) => cluster.net.pids(h)).reduce((total, pid) => total + cpuSeconds(pid), 0);
  const self = process.cpuUsage();
  return {
    'API hosts': sum(cluster.apiHosts),
    Temporal: sum([cluster.temporalHost]),
    PostgreSQL: sum([cluster.pg]),
    'load generator': (self.user + self.system) / 1e6,
  };
}

async function closedLoop(cluster: Cluster, name: string, call: (n: number) => Promise<boolean>): Promise<Rate> {
  console.log(`${name}: ${CONNECTIONS} concurrent for ${DURATION_S} s...`);
  const cpuBefore = cpuByGroup(cluster);
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
  const cpuAfter = cpuByGroup(cluster);
  const cpuMsPerCall = Object.fromEntries(Object.entries(cpuAfter).map(([group, after]) => [group, ((after - cpuBefore[group]!) * 1000) / Math.max(1, latencies.length)]));
  return { name, ok: latencies.length, errors, perSecond: latencies.length / wall, p50Ms: at(0.5), p99Ms: at(0.99), cpuMsPerCall };
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
  // The per-client rate limit (RATE_LIMIT_PER_SECOND, 50/s per address by default) is a policy, not the start path:
  // off here, or one load generator would measure the limiter (the first run answered 429 to 10,575 requests).
  const cluster = new Cluster({ apis: 2, workers: 3, env: { RATE_LIMIT_PER_SECOND: '0' } });
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
      const refusals = new Map<number, number>();
      const viaApi = await closedLoop(cluster, 'video submissions through 2 APIs', async (n) => {
        const res = await fetch(`${cluster.apiUrl(n % 2)}/api/videos`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ script: `Bench ${n}.`, cache: { mode: 'bypass' } }),
        });
        if (res.status !== 202) {
          refusals.set(res.status, (refusals.get(res.status) ?? 0) + 1);
          return false;
        }
        await res.arrayBuffer();
        return true;
      });
      // The ceiling is the API's own start (its TemporalGateway: the same input, search attributes and options)
      // called in process, so the ratio is what HTTP, validation and the API processes add.
      const gateway = new TemporalGateway(config, client);
      const run = videoRunSettings(config);
      const direct = await closedLoop(cluster, 'the same starts, TemporalGateway in process (ceiling)', async (n) => {
        const request = VideoRequestSchema.parse({ script: `Direct ${n}.`, cache: { mode: 'bypass' } });
        return (await gateway.startVideo(videoWorkflowInput(`vid-${randomUUID()}`, request, run))) === 'started';
      });

      const ratio = viaApi.perSecond / direct.perSecond;
      const groups = Object.keys(viaApi.cpuMsPerCall);
      const cpuCells = (r: Rate) => groups.map((g) => `${r.cpuMsPerCall[g]!.toFixed(1)}`).join(' | ');
      const total = (r: Rate) => Object.values(r.cpuMsPerCall).reduce((a, b) => a + b, 0);
      const rows = [viaApi, direct].map((r) => `| ${r.name} | ${r.perSecond.toFixed(0)}/s | ${r.p50Ms} ms | ${r.p99Ms} ms | ${r.errors} | ${cpuCells(r)} | ${total(r).toFixed(1)} |`);
      const batchRows = [one, three].map(
        (b) => `| ${b.workers} | ${b.completed}/${BATCH_ITEMS} | ${b.wall.toFixed(1)} s | ${b.rendersPerSecond.toFixed(2)}/s | ${b.cpu.toFixed(1)} s | ${b.efficiency.toFixed(2)} |`,
      );
      const md = `## Cluster (\`npm run bench:cluster\`)

Machine: ${machineLine()}. Separate hosts in network namespaces on this one machine (test/cluster): the Temporal
server 1.29.1 (4 history shards) on its own PostgreSQL, SeaweedFS, 2 API hosts, 3 worker hosts, all on the same
${cpus().length} cores. Measured ${new Date().toISOString().slice(0, 10)}.

Submissions, ${CONNECTIONS} concurrent clients for ${DURATION_S} s each, workers stopped (the start path only):

| run | rate | p50 | p99 | errors | ${groups.map((g) => `CPU ms/start: ${g}`).join(' | ')} | CPU ms/start: total |
|---|---|---|---|---|${groups.map(() => '---|').join('')}---|
${rows.join('\n')}

Through the APIs: **${ratio.toFixed(2)}x** the direct starts (target 0.9x).${refusals.size ? ` Refused through the APIs: ${[...refusals].map(([code, k]) => `${k} x HTTP ${code}`).join(', ')}.` : ''}

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
