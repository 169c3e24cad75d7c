/**
 * `npm run bench:cache`: what the content-addressed cache makes of a repeated request, and what one lookup
 * costs among many entries.
 *
 *  (a) Through the API, against the stack `npm start` runs (Temporal dev server, one worker, the API, each a
 *      process of its own): one request made the first time (the baseline: script, speech, render), then
 *      the same request repeated, each repeat timed from POST to the first answer saying `completed` (the
 *      POST's own answer, when it says so). Twice: a client polling GET /api/videos/:id every POLL_MS, and a
 *      client waiting for the workflow's result through Temporal (a long poll that returns when the run
 *      closes). Each repeat's workflow history then says where the time went: the POST (which looks the
 *      request up in the pipeline cache, read-only, and starts a run that places the hit with a local activity), Temporal handing the first
 *      workflow task to the worker, the worker's task, and the answer that said completed.
 *  (b) The cache library itself: ArtifactCache.get() hits and misses among 1,000 and 100,000 entries, on the
 *      embedded backend (files under the system's temporary directory) and on PostgreSQL when one answers at
 *      BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
 */
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { cacheKey, createCache, EmbeddedMetadataStore, openCache, type ArtifactCache } from '@vidflow/cache';
import { VideoRequestSchema } from '@vidflow/contracts';
import { PipelineCacheReader } from '@vidflow/pipeline-cache';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { machineLine, writeSection } from './bench-report';
import { startBenchStack } from './bench-stack';

const PORTS = { api: 3291, temporal: 7491, ui: 8491, sdkMetrics: 9495 };
const REPEATS = Number(process.env.BENCH_REPEATS ?? 50);
const WARMUP = 5;
const POLL_MS = 5;
const TARGET_MEDIAN_MS = 50;
const SIZES = [1_000, Number(process.env.BENCH_CACHE_ENTRIES ?? 100_000)];
const LOOKUPS = 2_000;
/** The lookups of each size are timed in this many rounds, the sizes taking turns. */
const ROUNDS = 10;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REQUEST = { script: 'A repeated request. The second time, it is answered from the cache.' };

interface Repeat {
  totalMs: number;
  postMs: number;
  /** WorkflowExecutionStarted -> WorkflowTaskStarted (server clock). */
  dispatchMs: number;
  /** WorkflowTaskStarted -> WorkflowTaskCompleted: the worker ran the workflow code and the cache lookup. */
  workerMs: number;
  /** WorkflowTaskCompleted -> WorkflowExecutionCompleted. */
  closeMs: number;
  /** WorkflowExecutionCompleted -> the client saw it completed. */
  observeMs: number;
  /** From the POST's answer to WorkflowExecutionStarted: negative when the run started before the answer came back. */
  startAfterPostMs: number;
  cacheHit: boolean;
  polls: number;
}

interface Lookup {
  backend: string;
  entries: number;
  fillSeconds: number;
  hit: Summary;
  miss: Summary;
}

interface Summary {
  median: number;
  p90: number;
  p99: number;
  mean: number;
}

async function main(): Promise<void> {
  console.log('(b) cache lookups...');
  const lookups: Lookup[] = [];
  lookups.push(...(await compareSizes('embedded', fillEmbedded)));
  const pg = await postgresAvailable();
  if (pg) lookups.push(...(await compareSizes('postgres', fillPostgres)));
  for (const l of lookups) console.log(`${l.backend} ${l.entries}: hit ${fmt(l.hit)}; miss ${fmt(l.miss)} (filled in ${l.fillSeconds.toFixed(1)} s)`);

  console.log('(a) repeated requests through the API...');
  const api = await repeatedRequests();
  writeSection('cache', report(api, lookups, pg));
}

/* ------------------------------------------------------------------ (a) ---------------------------------------------- */

interface ApiFigures {
  baselineMs: number;
  baselineId: string;
  polling: Repeat[];
  result: Repeat[];
  videoBytes: number;
  sdk: Array<{ name: string; count: number; meanMs: number }>;
  lookupMs: Summary;
}

async function repeatedRequests(): Promise<ApiFigures> {
  const stack = await startBenchStack('cache', PORTS, {
    RATE_LIMIT_PER_SECOND: '0',
    WORKER_HTTP_PORT: '0',
    // The worker's Temporal SDK metrics split its workflow task: how long the local activity took inside it.
    WORKER_TEMPORAL_METRICS_PORT: String(PORTS.sdkMetrics),
  });
  const { dataDir } = stack;
  let connection: Connection | undefined;
  try {
    const apiUrl = stack.api;
    connection = await Connection.connect({ address: stack.temporalAddress });
    const temporal = new TemporalClient({ connection });

    const first = await timedPolling(apiUrl, temporal);
    if (first.cacheHit) throw new Error('the first request came from the cache: the data directory is not fresh');
    console.log(`first time (baseline): ${first.totalMs.toFixed(0)} ms`);
    const status = (await (await fetch(`${apiUrl}/api/videos/${first.id}`)).json()) as { result?: { bytes: number } };

    for (let i = 0; i < WARMUP; i++) await timedPolling(apiUrl, temporal);
    const polling: Repeat[] = [];
    const before = await sdkMetrics();
    for (let i = 0; i < REPEATS; i++) polling.push(await timedPolling(apiUrl, temporal));
    const result: Repeat[] = [];
    for (let i = 0; i < REPEATS; i++) result.push(await timedResult(apiUrl, temporal));
    const sdk = sdkMeans(before, await sdkMetrics());
    for (const [name, runs] of [['polling the API', polling], ['waiting on Temporal', result]] as const) {
      console.log(`repeat, ${name}: ${fmt(summary(runs.map((r) => r.totalMs)))}; hits ${runs.filter((r) => r.cacheHit).length}/${runs.length}`);
    }
    await stop();
    const lookupMs = await timeApiLookup(dataDir);
    console.log(`the API's pipeline-cache lookup, in process: ${fmt(lookupMs)}`);
    return { baselineMs: first.totalMs, baselineId: first.id, polling, result, videoBytes: status.result?.bytes ?? 0, sdk, lookupMs };
  } finally {
    await stop();
    await stack.close();
  }

  async function stop(): Promise<void> {
    await connection?.close();
    connection = undefined;
    await stack.stop();
  }
}

/**
 * The API's own part of a repeat (key from the request and its media, metadata read, the MP4's sha256 check:
 * PipelineCacheReader.lookup, read-only), timed in this process on the stack's cache once the stack has stopped.
 */
async function timeApiLookup(dataDir: string): Promise<Summary> {
  const cache = await openCache({ dir: join(dataDir, 'cache'), maxBytes: 10 * 1024 ** 3, ttlSeconds: 3600, evictTo: 0.9 });
  try {
    const reader = new PipelineCacheReader(cache, join(dataDir, 'media'));
    const request = VideoRequestSchema.parse(REQUEST);
    const times: number[] = [];
    for (let i = 0; i < WARMUP + REPEATS; i++) {
      const t = performance.now();
      const hit = await reader.lookup(request);
      if (i >= WARMUP) times.push(performance.now() - t);
      if (!hit) throw new Error('the lookup missed the pipeline entry the repeats hit');
    }
    return summary(times);
  } finally {
    await cache.close();
  }
}

type Histograms = Map<string, { sum: number; count: number }>;

/** The worker's Temporal SDK histograms (sum and count over all label sets), by metric name. */
async function sdkMetrics(): Promise<Histograms> {
  const text = await (await fetch(`http://127.0.0.1:${PORTS.sdkMetrics}/metrics`)).text();
  const out: Histograms = new Map();
  for (const line of text.split('\n')) {
    const m = /^(temporal_[a-z_]+)_(sum|count)(?:\{[^}]*\})? ([0-9.eE+-]+)$/.exec(line);
    if (!m) continue;
    const entry = out.get(m[1]!) ?? { sum: 0, count: 0 };
    entry[m[2] as 'sum' | 'count'] += Number(m[3]);
    out.set(m[1]!, entry);
  }
  return out;
}

/** Mean of each workflow-task and local-activity latency histogram over the measured repeats. */
function sdkMeans(before: Histograms, after: Histograms): Array<{ name: string; count: number; meanMs: number }> {
  return [...after]
    .filter(([name]) => /^temporal_(workflow_task|local_activity|workflow_endtoend)/.test(name))
    .map(([name, a]) => {
      const b = before.get(name) ?? { sum: 0, count: 0 };
      const count = a.count - b.count;
      return { name, count, meanMs: count > 0 ? (a.sum - b.sum) / count : NaN };
    })
    .filter((m) => m.count > 0)
    .sort((x, y) => x.name.localeCompare(y.name));
}

async function post(apiUrl: string): Promise<{ id: string; status: string; postMs: number; t0: number }> {
  const t0 = performance.now();
  const res = await fetch(`${apiUrl}/api/videos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(REQUEST) });
  if (res.status !== 202) throw new Error(`POST /api/videos: ${res.status} ${await res.text()}`);
  const { id, status } = (await res.json()) as { id: string; status: string };
  return { id, status, postMs: performance.now() - t0, t0 };
}

/**
 * POST, then GET /api/videos/:id every POLL_MS until it says completed. A POST that already answers
 * `completed` ends the clock (one GET afterwards, not timed, reads whether it came from the cache).
 */
async function timedPolling(apiUrl: string, temporal: TemporalClient): Promise<Repeat & { id: string }> {
  const { id, status, postMs, t0 } = await post(apiUrl);
  let polls = 0;
  let cacheHit = false;
  let observedAt = status === 'completed' ? performance.now() : undefined;
  for (;;) {
    if (observedAt === undefined) polls++;
    const res = await fetch(`${apiUrl}/api/videos/${id}`);
    const body = (await res.json()) as { status: string; cacheHit: boolean; error?: unknown };
    if (body.status === 'completed') {
      cacheHit = body.cacheHit;
      observedAt ??= performance.now();
      break;
    }
    if (observedAt !== undefined) throw new Error(`video ${id}: the POST said completed, then GET said ${body.status}`);
    if (body.status === 'failed' || body.status === 'cancelled') throw new Error(`video ${id} ${body.status}: ${JSON.stringify(body.error)}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return { id, ...(await phases({ temporal, id, t0, postMs, observedAt })), cacheHit, polls };
}

/** POST, then wait for the workflow's result through Temporal (a long poll answered when the run closes). */
async function timedResult(apiUrl: string, temporal: TemporalClient): Promise<Repeat & { id: string }> {
  const { id, postMs, t0 } = await post(apiUrl);
  const progress = (await temporal.workflow.getHandle(id).result()) as { cacheHit: boolean };
  const observedAt = performance.now();
  return { id, ...(await phases({ temporal, id, t0, postMs, observedAt })), cacheHit: progress.cacheHit, polls: 0 };
}

/** Where the time of one repeat went, from its workflow history (server timestamps, same machine clock). */
async function phases(o: { temporal: TemporalClient; id: string; t0: number; postMs: number; observedAt: number }) {
  const history = await o.temporal.workflow.getHandle(o.id).fetchHistory();
  const events = history.events ?? [];
  const at = (name: string, nth = 0) => {
    const matching = events.filter((e) => e[name as keyof typeof e] != null);
    const event = matching[nth];
    if (!event?.eventTime) throw new Error(`${o.id}: no ${name} in its history`);
    return tsToMs(event.eventTime);
  };
  const started = at('workflowExecutionStartedEventAttributes');
  const taskStarted = at('workflowTaskStartedEventAttributes');
  const taskCompleted = at('workflowTaskCompletedEventAttributes');
  const completed = at('workflowExecutionCompletedEventAttributes');
  // performance.now() is relative to this process's start; map it to the wall clock once.
  const wall = (perf: number) => performance.timeOrigin + perf;
  return {
    totalMs: o.observedAt - o.t0,
    postMs: o.postMs,
    startAfterPostMs: started - wall(o.t0 + o.postMs),
    dispatchMs: taskStarted - started,
    workerMs: taskCompleted - taskStarted,
    closeMs: completed - taskCompleted,
    observeMs: wall(o.observedAt) - completed,
  };
}

/* ------------------------------------------------------------------ (b) ---------------------------------------------- */

const keyOf = (n: number) => cacheKey({ stage: 'tts', version: 1, inputs: { scene: n } });

interface FilledCache {
  cache: ArtifactCache;
  entries: number;
  fillSeconds: number;
  dispose(): Promise<void>;
}

/** Every size of one backend filled first, then timed in interleaved rounds, so that a busy moment of the machine or a cold JIT weighs on each size alike. */
async function compareSizes(backend: 'embedded' | 'postgres', fill: (entries: number) => Promise<FilledCache>): Promise<Lookup[]> {
  const filled: FilledCache[] = [];
  try {
    for (const entries of SIZES) filled.push(await fill(entries));
    for (const f of filled) for (let i = 0; i < 50; i++) await f.cache.get('tts', keyOf(i)); // warm-up
    const times = filled.map(() => ({ hits: [] as number[], misses: [] as number[] }));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, f] of filled.entries()) {
        const t = await timeLookups(f, round);
        times[i]!.hits.push(...t.hits);
        times[i]!.misses.push(...t.misses);
      }
    }
    return filled.map((f, i) => ({ backend, entries: f.entries, fillSeconds: f.fillSeconds, hit: summary(times[i]!.hits), miss: summary(times[i]!.misses) }));
  } finally {
    for (const f of filled) await f.dispose();
  }
}

async function fillEmbedded(entries: number): Promise<FilledCache> {
  const dir = mkdtempSync(join(tmpdir(), 'vidflow-bench-lookups-'));
  const started = performance.now();
  // Metadata-only entries written straight to the store (as the 100,000-entry test does): what is timed is
  // finding a record among many, not copying files in.
  const store = new EmbeddedMetadataStore({ dir });
  await store.init();
  let next = 0;
  const writer = async (): Promise<void> => {
    while (next < entries) {
      const n = next++;
      const value = String(n);
      await store.upsert({ key: keyOf(n), stage: 'tts', id: `v${n}`, value, files: {}, bytes: value.length, createdAt: 0, expiresAt: Number.MAX_SAFE_INTEGER, lastAccessAt: 0 });
    }
  };
  await Promise.all(Array.from({ length: 256 }, writer));
  await store.close();
  const fillSeconds = (performance.now() - started) / 1000;
  const cache = await createCache({ dir });
  return {
    cache,
    entries,
    fillSeconds,
    async dispose() {
      await cache.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresAvailable(): Promise<boolean> {
  const client = new PgClient({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (err) {
    console.log(`PostgreSQL at ${DATABASE_URL} does not answer (${(err as Error).message}); embedded backend only`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function fillPostgres(entries: number): Promise<FilledCache> {
  const schema = `bench_cache_${process.pid}_${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'vidflow-bench-lookups-'));
  const admin = new PgClient({ connectionString: DATABASE_URL });
  await admin.connect();
  let cache: ArtifactCache | undefined;
  const dispose = async () => {
    await cache?.close();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    cache = await createCache({ dir, databaseUrl: DATABASE_URL, databaseSchema: schema });
    const started = performance.now();
    // Rows inserted in bulk, as the 100,000-entry test does; the keys are the same cacheKey() values.
    const keys = Array.from({ length: entries }, (_, n) => keyOf(n));
    await admin.query(
      `INSERT INTO "${schema}".cache_entries (key, stage, id, value, files, bytes, created_at, expires_at, last_access_at)
       SELECT k, 'tts', 'v' || (n - 1), (n - 1)::text, '{}', length((n - 1)::text), 0, 9007199254740991, 0
       FROM unnest($1::text[]) WITH ORDINALITY AS t(k, n)`,
      [keys],
    );
    await admin.query(`ANALYZE "${schema}".cache_entries`);
    return { cache, entries, fillSeconds: (performance.now() - started) / 1000, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/** One round: LOOKUPS / ROUNDS gets of present keys spread over the whole store, then as many absent ones, one at a time. */
async function timeLookups(f: FilledCache, round: number): Promise<{ hits: number[]; misses: number[] }> {
  const per = Math.ceil(LOOKUPS / ROUNDS);
  const hits: number[] = [];
  for (let i = round * per; i < (round + 1) * per; i++) {
    const n = (i * 7919 + 13) % f.entries;
    const t = performance.now();
    const got = await f.cache.get<number>('tts', keyOf(n));
    hits.push(performance.now() - t);
    if (got?.value !== n) throw new Error(`entry ${n} not found among ${f.entries}`);
  }
  const misses: number[] = [];
  for (let i = round * per; i < (round + 1) * per; i++) {
    const t = performance.now();
    const got = await f.cache.get('tts', keyOf(f.entries + i));
    misses.push(performance.now() - t);
    if (got) throw new Error('a missing key was found');
  }
  return { hits, misses };
}

/* ------------------------------------------------------------------ report ------------------------------------------- */

function report(api: ApiFigures, lookups: Lookup[], pg: boolean): string {
  const poll = summary(api.polling.map((r) => r.totalMs));
  const wait = summary(api.result.map((r) => r.totalMs));
  const met = (s: Summary) => (s.median <= TARGET_MEDIAN_MS ? 'met' : `**missed** (${(s.median / TARGET_MEDIAN_MS).toFixed(1)}x the target)`);
  const phaseRows = (runs: Repeat[]) =>
    (
      [
        ['POST /api/videos (validate, pipeline-cache lookup, start the run, wait for it)', 'postMs'],
        ['WorkflowExecutionStarted after the POST answered', 'startAfterPostMs'],
        ['Temporal: run started -> workflow task started on the worker', 'dispatchMs'],
        ['worker: the workflow task (places the hit with a local activity, completes)', 'workerMs'],
        ['Temporal: task completed -> run completed', 'closeMs'],
        ['run completed -> the client saw it', 'observeMs'],
      ] as const
    )
      .map(([label, field]) => {
        const s = summary(runs.map((r) => r[field]));
        return `| ${label} | ${s.median.toFixed(1)} | ${s.p90.toFixed(1)} | ${s.p99.toFixed(1)} |`;
      })
      .join('\n');
  const lookupRows = lookups
    .map((l) => {
      const base = lookups.find((b) => b.backend === l.backend && b.entries === SIZES[0])!;
      return (
        `| ${l.backend} | ${l.entries.toLocaleString('en')} | ${ms(l.hit.median)} | ${ms(l.hit.p99)} | ${(l.hit.median / base.hit.median).toFixed(2)}x | ` +
        `${ms(l.miss.median)} | ${ms(l.miss.p99)} | ${(l.miss.median / base.miss.median).toFixed(2)}x | ${l.fillSeconds.toFixed(1)} s |`
      );
    })
    .join('\n');
  return `## Cache (\`npm run bench:cache\`)

### (a) A repeated request through the API

The stack \`npm start\` runs (Temporal dev server with SQLite, one worker, one API process; \`RATE_LIMIT_PER_SECOND=0\`),
request \`${JSON.stringify(REQUEST)}\` (default render, 1080x1920, a ${(api.videoBytes / 1024).toFixed(0)} KiB MP4). The first time it
runs every stage (the baseline); then it is repeated ${REPEATS} times one after another (after ${WARMUP} unmeasured repeats),
each timed from sending the POST until an answer says \`completed\`. Target: median ≤ ${TARGET_MEDIAN_MS} ms.

| | median | p90 | p99 | vs the first time (median) | came from the pipeline cache | target |
|---|---|---|---|---|---|---|
| first time (baseline, every stage) | ${ms(api.baselineMs)} | | | 1x | no | |
| repeat, client polls GET /api/videos/:id every ${POLL_MS} ms | ${ms(poll.median)} | ${ms(poll.p90)} | ${ms(poll.p99)} | **${(api.baselineMs / poll.median).toFixed(0)}x faster** | ${api.polling.filter((r) => r.cacheHit).length}/${REPEATS} | ${met(poll)} |
| repeat, client waits for the run's result through Temporal | ${ms(wait.median)} | ${ms(wait.p90)} | ${ms(wait.p99)} | **${(api.baselineMs / wait.median).toFixed(0)}x faster** | ${api.result.filter((r) => r.cacheHit).length}/${REPEATS} | ${met(wait)} |

Where the time of a repeat goes (ms; from each run's workflow history, server timestamps on the same clock as the client):

| phase, client polling the API | median | p90 | p99 |
|---|---|---|---|
${phaseRows(api.polling)}
| polls per repeat | ${summary(api.polling.map((r) => r.polls)).median.toFixed(0)} | | |

| phase, client waiting on Temporal | median | p90 | p99 |
|---|---|---|---|
${phaseRows(api.result)}

The pipeline-cache lookup the API does inside the POST (read-only: key, \`get\` with the MP4's sha256 check),
timed in-process on the same cache after the stack stopped: median ${ms(api.lookupMs.median)}, p99 ${ms(api.lookupMs.p99)}.
The worker's Temporal SDK histograms over the ${2 * REPEATS} measured repeats (mean per observation):

| SDK metric | observations | mean |
|---|---|---|
${api.sdk.map((m) => `| \`${m.name}\` | ${m.count} | ${ms(m.meanMs)} |`).join('\n')}

${whereTheTimeGoes(api)}

### (b) Lookups among many entries

\`ArtifactCache.get()\` one at a time: ${LOOKUPS} hits spread over the whole store and ${LOOKUPS} misses per size, after 50 warm-up gets,
in ${ROUNDS} rounds in which the sizes take turns (both sizes of a backend are filled first).
Entries are metadata only (no files to verify), so this is the cost of finding a record and counting the lookup;
a hit on an entry with files also reads each file once to check its sha256. Embedded: files under \`${tmpdir()}\`;
PostgreSQL: ${pg ? `\`${DATABASE_URL.replace(/\/\/[^@]*@/, '//…@')}\`, its own schema, rows inserted in bulk` : 'did not answer, not measured'}.

| backend | entries | hit median | hit p99 | hit vs ${SIZES[0]!.toLocaleString('en')} | miss median | miss p99 | miss vs ${SIZES[0]!.toLocaleString('en')} | fill |
|---|---|---|---|---|---|---|---|---|
${lookupRows}

Machine: ${machineLine()}; shared with other jobs while measured, so the figures are only as good as the machine was quiet.
Command: \`npm run bench:cache\` (\`BENCH_REPEATS\`, \`BENCH_CACHE_ENTRIES\`, \`BENCH_DATABASE_URL\`). Measured ${new Date().toISOString().slice(0, 10)}.`;
}

/** The reading of the tables above, with this run's figures. */
function whereTheTimeGoes(api: ApiFigures): string {
  const med = (runs: Repeat[], field: keyof Repeat) => summary(runs.map((r) => Number(r[field]))).median;
  const poll = summary(api.polling.map((r) => r.totalMs)).median;
  const wait = summary(api.result.map((r) => r.totalMs)).median;
  const sdk = (name: string) => api.sdk.find((m) => m.name === name)?.meanMs ?? NaN;
  const worker = med(api.result, 'workerMs');
  return `Reading it (medians of this run):

- **Polling the API (${ms(poll)})**: the API looks the request up in the pipeline cache, read-only (${ms(api.lookupMs.median)} in-process:
  key, metadata read, sha256 of the ${(api.videoBytes / 1024).toFixed(0)} KiB MP4), starts a run under a
  fresh id with what it found in its input, and waits up to a second for it (\`VideosService.completesAtOnce\`): the POST answers
  \`completed\` (${summary(api.polling.map((r) => r.polls)).median.toFixed(0)} polls per repeat at the median); ${ms(med(api.polling, 'observeMs'))} pass between the run completing
  and the POST's answer reaching the client.
- **Waiting on Temporal (${ms(wait)})**: the same POST, then the client's own long poll for the run's result.
- **The run**: Temporal hands its first workflow task to the worker in ${ms(med(api.result, 'dispatchMs'))} (with the server's default
  \`history.transferProcessorMaxPollRPS\` of 20 on the dev server's one shard this was ~15 ms at the median and up to 50 ms;
  the launcher sets 200); the worker's task, which
  places the found MP4 at the new id's path with the \`placePipelineHit\` local activity (a hard link; the API writes
  no files) and completes the run, takes ${ms(worker)} (SDK mean ${ms(sdk('temporal_workflow_task_execution_latency'))}).
  Each new run evaluates the workflow bundle's modules afresh (Temporal gives every run its own module cache, even
  with \`reuseV8Context\`), so the workflows import \`@vidflow/contracts/workflow\`, which builds no zod schemas: when
  they imported the main entry this task took 18 ms at the median (SDK mean 15.3 ms) and the repeat 36.1 ms.`;
}

function summary(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return { median: rank(0.5), p90: rank(0.9), p99: rank(0.99), mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length) };
}

function ms(value: number): string {
  return value >= 100 ? `${value.toFixed(0)} ms` : value >= 1 ? `${value.toFixed(1)} ms` : `${(value * 1000).toFixed(0)} µs`;
}

function fmt(s: Summary): string {
  return `median ${ms(s.median)}, p90 ${ms(s.p90)}, p99 ${ms(s.p99)}`;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
