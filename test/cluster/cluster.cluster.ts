import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import type { BatchStatusView, VideoStatusView, VoiceCatalog } from '@vidflow/contracts';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../apps/launcher/src/wait-for';
import { ffprobe } from '../support/ffprobe';
import { shortVideo, SMALL_HEIGHT } from '../support/batch-under-fault';
import { activityRuns } from '../support/workflow-history';
import { Cluster } from './cluster';
import type { Host } from './network';

/** Git-ignored; RELIABILITY.md's "Several hosts" section is written from a run's copy. */
const RESULTS_FILE = join(__dirname, '..', '..', 'cluster-results.json');
const BATCH_SIZE = 30;
const CUT_SECONDS = 60;
/** Bounds on hangs, not assertions about speed: a fault can cost a 30 s heartbeat timeout plus backoff. */
const DONE_MS = 900_000;

jest.setTimeout(1_800_000);

const terminal = (s: { status: string }) => ['completed', 'failed', 'cancelled'].includes(s.status);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function json<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T } | undefined> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: (await res.json()) as T };
  } catch {
    return undefined;
  }
}

const post = <T>(url: string, body: unknown) => json<T>(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Polls `read` until `done`; an unanswered read (a host down) counts as not yet. */
async function until<T>(what: string, read: () => Promise<T | undefined>, done: (v: T) => boolean, timeoutMs = DONE_MS): Promise<T> {
  let last: T | undefined;
  try {
    await waitFor(what, async () => (last = await read()) !== undefined && done(last), timeoutMs, 500);
  } catch (err) {
    throw new Error(`${(err as Error).message}; last seen: ${JSON.stringify(last)?.slice(0, 1500)}`);
  }
  return last!;
}

describe('vidflow on several hosts (network namespaces, real Temporal on PostgreSQL, SeaweedFS)', () => {
  let cluster: Cluster;
  let failed = false;
  const results: Record<string, unknown> = {};
  const faults: Array<Record<string, unknown>> = [];
  const t0 = Date.now();
  const at = () => Math.round((Date.now() - t0) / 100) / 10;

  /** ffmpeg renders running on a host right now (from its namespace's processes), with the video each is for. */
  function rendersOn(host: Host): string[] {
    const videos = cluster.net.pids(host).flatMap((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        const scratch = argv.map((a) => /\/tmp\/(vid-[^/]+)\/render-/.exec(a)).find(Boolean);
        return argv[0]!.endsWith('ffmpeg') && scratch ? [scratch[1]!] : [];
      } catch {
        return [];
      }
    });
    return [...new Set(videos)];
  }

  async function waitForRenderOn(host: Host, timeoutMs = 300_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const videos = rendersOn(host);
      if (videos.length) return videos;
      await sleep(20);
    }
    throw new Error(`no render started on ${host.name} within ${timeoutMs / 1000} s`);
  }

  beforeAll(async () => {
    cluster = new Cluster({
      apis: 2,
      workers: 3,
      // Each host sweeps its own disk every 5 s (folders of closed runs older than 1 s): the leftovers check below.
      env: { CACHE_MAINTENANCE_INTERVAL_SECONDS: '5', SWEEP_GRACE_SECONDS: '1' },
    });
    const started = Date.now();
    await cluster.start();
    results.startSeconds = (Date.now() - started) / 1000;
  });

  afterAll(() => {
    writeFileSync(RESULTS_FILE, `${JSON.stringify({ ...results, faults, failed, recordedAt: new Date().toISOString() }, null, 2)}\n`);
    process.stdout.write(`[cluster] ${JSON.stringify({ ...results, faults })}\n`);
    if (failed) {
      for (const p of cluster?.processes.values() ?? []) process.stdout.write(`--- ${p.name}\n${p.logTail(25)}\n`);
    }
    // The logs stay on failure (the path is printed); everything else (namespaces, processes) always goes.
    cluster?.destroy({ keepDir: failed });
    if (failed) process.stdout.write(`[cluster] logs kept in ${cluster.dir}\n`);
  });

  afterEach(() => {
    const state = expect.getState();
    if (state.assertionCalls > 0 && state.numPassingAsserts < state.assertionCalls) failed = true;
  });

  it('runs a batch, single videos and a repeat through both APIs while hosts are killed, cut off and restarted', async () => {
    try {
      await scenario();
    } catch (err) {
      failed = true;
      throw err;
    }
  });

  async function scenario(): Promise<void> {
    const [api1, api2] = [cluster.apiUrl(0), cluster.apiUrl(1)];
    const [w1, w2] = cluster.workerHosts;
    const started = Date.now();

    // A batch through API 1, three single videos through API 2.
    const batch = await post<{ id: string }>(`${api1}/api/batches`, { items: Array.from({ length: BATCH_SIZE }, (_, i) => shortVideo('cluster', i)), maxConcurrent: 6 });
    expect(batch?.status).toBe(202);
    const batchPath = `/api/batches/${batch!.body.id}?limit=1000`;
    const singles: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await post<{ id: string }>(`${api2}/api/videos`, shortVideo('single', i));
      expect(res?.status).toBe(202);
      singles.push(res!.body.id);
    }

    // Fault 1: every process of worker host 1 SIGKILLed mid-render (a power cut), the host started again 5 s later.
    await until('3 completed batch videos', () => json<BatchStatusView>(`${api2}${batchPath}`).then((r) => r?.body), (b) => b.completed >= 3);
    const rendering1 = await waitForRenderOn(w1!);
    const killed = cluster.net.killAll(w1!);
    await cluster.process('worker1').exited();
    faults.push({ fault: 'SIGKILL every process of a worker host', host: w1!.name, at: at(), processes: killed, rendering: rendering1 });
    await sleep(5000);
    await cluster.startWorker(0);
    faults.push({ fault: 'worker host started again', host: w1!.name, at: at() });

    // Fault 2: worker host 2 cut off the network for 60 s mid-render; meanwhile the Temporal server is restarted and
    // API host 1 is SIGKILLed while a client keeps reading through API host 2.
    const rendering2 = await waitForRenderOn(w2!);
    cluster.net.cut(w2!);
    const cutAt = Date.now();
    faults.push({ fault: 'network cut', host: w2!.name, at: at(), seconds: CUT_SECONDS, rendering: rendering2 });

    await sleep(15_000);
    const temporalDown = Date.now();
    await cluster.restartTemporal();
    faults.push({ fault: 'Temporal server SIGKILLed and started again', at: at(), unavailableSeconds: (Date.now() - temporalDown) / 1000 });

    let polls = 0;
    let unanswered = 0;
    let reading = true;
    const reader = (async () => {
      while (reading) {
        polls++;
        if ((await json(`${api2}${batchPath}`))?.status !== 200) unanswered++;
        await sleep(200);
      }
    })();
    await sleep(5000);
    const apiKilled = cluster.net.killAll(cluster.apiHosts[0]!);
    faults.push({ fault: 'SIGKILL every process of an API host', host: cluster.apiHosts[0]!.name, at: at(), processes: apiKilled });

    await sleep(Math.max(0, cutAt + CUT_SECONDS * 1000 - Date.now()));
    cluster.net.reconnect(w2!);
    faults.push({ fault: 'network restored', host: w2!.name, at: at() });
    reading = false;
    await reader;
    faults.push({ fault: 'reads through the other API while one was down', polls, unanswered });
    // Every read through the surviving API is answered, Temporal restart or not (it waits for the server, retries).
    expect(unanswered).toBe(0);
    await cluster.process('api1').exited();
    await cluster.startApi(0);

    const finished = await until('the batch', () => json<BatchStatusView>(`${api1}${batchPath}`).then((r) => r?.body), terminal);
    expect({ status: finished.status, completed: finished.completed, failed: finished.failed }).toEqual({ status: 'completed', completed: BATCH_SIZE, failed: 0 });
    const batchIds = finished.items.map((i) => i.videoId!);
    for (const id of singles) {
      const s = await until(`video ${id}`, () => json<VideoStatusView>(`${api1}/api/videos/${id}`).then((r) => r?.body), terminal);
      expect(s.status).toBe('completed');
    }
    results.batchAndSinglesSeconds = (Date.now() - started) / 1000;

    // The voices the workers published reach an API on another host (through the bucket's voices.json).
    const voices = await json<VoiceCatalog>(`${api2}/api/voices`);
    expect(voices?.status).toBe(200);
    expect(voices!.body.providers.map((p) => p.name)).toEqual(expect.arrayContaining(['espeak', 'flite', 'festival']));
    results.voiceProviders = voices!.body.providers.map((p) => `${p.name} (${p.voices.length})`);

    // A repeat of a batch item through API 2: answered from the cache (its file from the bucket), not made again.
    const repeat = await post<VideoStatusView>(`${api2}/api/videos`, shortVideo('cluster', 0));
    expect(repeat && [200, 202]).toContain(repeat?.status);
    const repeated = await until('the repeat', () => json<VideoStatusView>(`${api2}/api/videos/${repeat!.body.id}`).then((r) => r?.body), terminal);
    expect({ status: repeated.status, cacheHit: repeated.cacheHit }).toEqual({ status: 'completed', cacheHit: true });
    results.repeat = { id: repeated.id, httpStatus: repeat!.status, cacheHit: repeated.cacheHit };

    // Every video: one completed render in its history, its file downloaded through an API is H.264 + AAC at 240p.
    const all = [...batchIds, ...singles, repeated.id];
    const connection = await Connection.connect({ address: cluster.temporalAddress });
    let retries = 0;
    const rendersPerVideo: Record<string, number> = {};
    try {
      const client = new Client({ connection });
      for (const [n, id] of all.entries()) {
        const runs = await activityRuns(client, id);
        rendersPerVideo[id] = runs.filter((r) => r.activity === 'renderVideo' && r.outcome === 'completed').length;
        retries += runs.reduce((sum, r) => sum + Math.max(0, r.attempts - 1), 0);
        const file = join(cluster.dir, `download-${n}.mp4`);
        const res = await fetch(`${cluster.apiUrl(n % 2)}/api/videos/${id}/file`);
        expect(res.status).toBe(200);
        writeFileSync(file, Buffer.from(await res.arrayBuffer()));
        const probe = ffprobe(file);
        expect({ id, video: probe.video?.codec, audio: probe.audio?.codec, height: probe.video?.height }).toEqual({ id, video: 'h264', audio: 'aac', height: SMALL_HEIGHT });
        rmSync(file);
      }
    } finally {
      await connection.close();
    }
    // The repeat is placed from the cache: no render of its own.
    const renderCounts = Object.entries(rendersPerVideo).filter(([id]) => id !== repeated.id).map(([, n]) => n);
    expect(renderCounts.every((n) => n === 1)).toBe(true);
    expect(rendersPerVideo[repeated.id]).toBe(0);
    results.videos = all.length;
    results.activityRetries = retries;

    // The cache's own record: one render entry and one pipeline entry per distinct video, their files in the bucket.
    const counts = execFileSync('psql', ['-h', cluster.pg.ip, '-U', 'postgres', '-d', 'vidflow', '-Atc', 'SELECT stage, count(*) FROM vidflow_cache.cache_entries GROUP BY stage ORDER BY stage'], { encoding: 'utf8' });
    results.cacheEntries = Object.fromEntries(counts.trim().split('\n').map((l) => l.split('|')).map(([stage, n]) => [stage, Number(n)]));
    expect((results.cacheEntries as Record<string, number>).render).toBe(BATCH_SIZE + singles.length);

    // Nothing left in any host's scratch (each host sweeps its own disk) nor in the bucket's work/ area.
    const s3 = new S3Client({ region: 'us-east-1', endpoint: cluster.s3Endpoint, forcePathStyle: true, credentials: cluster.credentials });
    let leftovers: string[] = [];
    await waitFor(
      'scratch folders to be swept',
      async () => {
        leftovers = cluster.workerHosts.flatMap((h) => ['tmp', 'work'].flatMap((d) => (existsSync(join(cluster.dataDir(h), d)) ? readdirSync(join(cluster.dataDir(h), d)).map((f) => `${h.name}:${d}/${f}`) : [])));
        const work = await s3.send(new ListObjectsV2Command({ Bucket: 'vidflow', Prefix: 'work/' }));
        leftovers.push(...(work.Contents ?? []).map((o) => `bucket:${o.Key}`));
        return leftovers.length === 0;
      },
      60_000,
      1000,
    ).catch(() => undefined);
    s3.destroy();
    expect(leftovers).toEqual([]);
    const strays = cluster.workerHosts.flatMap((h) => rendersOn(h));
    expect(strays).toEqual([]);
    results.totalSeconds = (Date.now() - t0) / 1000;
  }
});
