import { Client, Connection } from '@temporalio/client';
import type { BatchStatusView, VideoStatusView } from '@vidflow/contracts';
import { mkdirSync, readdirSync, readFileSync, existsSync, watch } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../apps/launcher/src/wait-for';
import { auditCache, type CacheAudit } from './cache-audit';
import { ffprobe } from './ffprobe';
import { childPids } from './launcher-process';
import type { ProcessStack } from './process-stack';
import { processesMentioning } from './processes';
import { activityRuns } from './workflow-history';

/** Frame height of the reliability suite's videos: the contract's smallest, so renders stay short. */
export const SMALL_HEIGHT = 240;
const SMALL_WIDTH = 136; // 9:16 at 240, rounded to even

const FACTS = [
  'Octopuses have three hearts.',
  'Honey never spoils.',
  'Bananas are berries.',
  'A day on Venus lasts longer than its year.',
  'Sharks are older than trees.',
  'Wombats leave cube shaped droppings.',
  'Sea otters hold hands while they sleep.',
  'Snails can sleep for three years.',
];

/** A short, distinct video request (one or two sentences, 240p): distinct, so no two share a pipeline-cache entry. */
export function shortVideo(tag: string, index: number): { script: string; render: { height: number } } {
  return { script: `${tag} video ${index}. ${FACTS[index % FACTS.length]}`, render: { height: SMALL_HEIGHT } };
}

/** Polls `read` until `done` holds; errors and undefined answers (a process being down) count as not yet. */
export async function pollUntil<T>(what: string, read: () => Promise<T | undefined>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  let last: T | undefined;
  try {
    await waitFor(
      what,
      async () => {
        last = await read();
        return last !== undefined && done(last);
      },
      timeoutMs,
      250,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last seen: ${JSON.stringify(last)?.slice(0, 2000)}`);
  }
  return last!;
}

export function getOk<T>(stack: ProcessStack, path: string): Promise<T | undefined> {
  return stack.get<T>(path).then(
    (res) => (res.status === 200 ? res.body : undefined),
    () => undefined,
  );
}

const terminal = (s: { status: string }) => ['completed', 'failed', 'cancelled'].includes(s.status);

export function waitForVideoDone(stack: ProcessStack, id: string, timeoutMs = 600_000): Promise<VideoStatusView> {
  return pollUntil(`video ${id}`, () => getOk<VideoStatusView>(stack, `/api/videos/${id}`), terminal, timeoutMs);
}

/** The render ffmpeg processes that are children of `pid` right now, with the video each renders (its scratch directory names it). */
export function rendersUnder(pid: number | undefined): Array<{ pid: number; videoId: string }> {
  if (pid === undefined) return [];
  return childPids(pid).flatMap((child) => {
    try {
      const argv = readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0');
      const scratch = argv.map((a) => /\/tmp\/(vid-[^/]+)\/render-/.exec(a)).find(Boolean);
      return argv[0]!.endsWith('ffmpeg') && scratch ? [{ pid: child, videoId: scratch[1]! }] : [];
    } catch {
      return [];
    }
  });
}

/**
 * Waits until the worker (`pid`) runs a render's ffmpeg and returns the videos being rendered. Renders of
 * the suite's small videos last about half a second, so this looks every 20 ms: a fault injected right after
 * it returns lands mid-render.
 */
export async function waitForRender(pid: number | undefined, timeoutMs = 300_000): Promise<Array<{ pid: number; videoId: string }>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const rendering = rendersUnder(pid);
    if (rendering.length > 0) return rendering;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no render started on worker ${pid} within ${timeoutMs / 1000}s`);
}

export interface Placements {
  /** Files committed by a render: its ffmpeg output renamed onto `<id>.mp4`. */
  rendered: Map<string, number>;
  /** Files placed from the cache: a hard link made next to `<id>.mp4` (`<id>.mp4.<pid>.<time>.link`), renamed onto it. */
  fromCache: Map<string, number>;
  close(): void;
}

/**
 * Watches DATA_DIR/videos (inotify) and counts, per video, how its file got there. A render commits its
 * ffmpeg output with one rename onto `<id>.mp4`; a cache hit (whole pipeline or render stage) first links the
 * cached file to a `.link` name in the same directory and renames that. So a second render of a video shows
 * as `rendered` twice, while an attempt retried after its completion was lost, answered from the render
 * cache, shows as one `fromCache`.
 */
export function watchPlacements(videosDir: string): Placements {
  mkdirSync(videosDir, { recursive: true });
  const rendered = new Map<string, number>();
  const fromCache = new Map<string, number>();
  const linking = new Set<string>();
  const bump = (map: Map<string, number>, id: string) => map.set(id, (map.get(id) ?? 0) + 1);
  const watcher = watch(videosDir, (event, name) => {
    if (event !== 'rename' || !name) return;
    const link = /^(vid-.+)\.mp4\..+\.link$/.exec(name);
    if (link) return void linking.add(link[1]!);
    const video = /^(vid-.+)\.mp4$/.exec(name);
    if (!video || !existsSync(join(videosDir, name))) return;
    const id = video[1]!;
    if (linking.delete(id)) bump(fromCache, id);
    else bump(rendered, id);
  });
  return { rendered, fromCache, close: () => watcher.close() };
}

export interface DeliveredVideo {
  id: string;
  status: string;
  renderAttempts: number;
  /** Completed renderVideo activities in the workflow history. */
  renders: number;
  retries: number;
  /** Times a render's output was committed as this video's file (a second would be a video produced twice). */
  produced: number;
  /** Times the file was placed from the cache instead. */
  placedFromCache: number;
  downloadedBytes: number;
}

/**
 * Checks every video the way a user would and the way the server recorded it: the status says completed, the
 * download is the file's bytes and ffprobe reads H.264 + AAC at the requested size; the workflow history
 * shows exactly one completed render (retried attempts are fine, a second render is not).
 */
export async function checkDelivered(stack: ProcessStack, ids: string[], placements: Placements): Promise<DeliveredVideo[]> {
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const client = new Client({ connection });
    const out: DeliveredVideo[] = [];
    for (const id of ids) {
      const status = await stack.get<VideoStatusView>(`/api/videos/${id}`);
      const file = await fetch(`${stack.apiUrl}/api/videos/${id}/file`);
      const bytes = file.ok ? (await file.arrayBuffer()).byteLength : -file.status;
      const runs = await activityRuns(client, id);
      const probe = ffprobe(join(stack.dataDir, 'videos', `${id}.mp4`));
      if (probe.video?.codec !== 'h264' || probe.audio?.codec !== 'aac' || probe.video.width !== SMALL_WIDTH || probe.video.height !== SMALL_HEIGHT) {
        throw new Error(`${id}: unexpected file ${JSON.stringify(probe)}`);
      }
      out.push({
        id,
        status: status.body.status,
        renderAttempts: status.body.stages.render.attempt,
        renders: runs.filter((r) => r.activity === 'renderVideo' && r.outcome === 'completed').length,
        retries: runs.reduce((sum, r) => sum + Math.max(0, r.attempts - 1), 0),
        produced: placements.rendered.get(id) ?? 0,
        placedFromCache: placements.fromCache.get(id) ?? 0,
        downloadedBytes: bytes,
      });
      if (bytes !== status.body.result?.bytes) throw new Error(`${id}: downloaded ${bytes} bytes, status says ${status.body.result?.bytes}`);
    }
    return out;
  } finally {
    await connection.close();
  }
}

/** What a finished run left in the artifact store's scratch areas: `tmp/` and `work/` (both should be empty). */
export function scratchLeftovers(dataDir: string): string[] {
  return ['tmp', 'work'].flatMap((d) => (existsSync(join(dataDir, d)) ? readdirSync(join(dataDir, d)).map((f) => `${d}/${f}`) : []));
}

export interface BatchUnderFaultResult {
  batchId: string;
  videos: DeliveredVideo[];
  batch: BatchStatusView;
  fault: Record<string, unknown>;
  cache: CacheAudit;
  /** Status polls that got no answer or a non-200 while the fault lasted. */
  unansweredPolls: number;
  polls: number;
  /** ffmpeg / espeak-ng processes of the stack still running after the batch (orphans of a killed worker). */
  strayProcesses: string[];
}

/**
 * A batch of `size` short videos; once a few have completed and a render is running on the worker,
 * `inject` applies the fault (and undoes it: restarts what it killed); then the batch must complete with
 * every video delivered once, valid, and nothing left in the scratch areas.
 */
export async function runBatchUnderFault(
  stack: ProcessStack,
  options: {
    tag: string;
    size: number;
    maxConcurrent: number;
    /** Called the moment a render is seen running on the worker, with the videos being rendered. */
    inject: (at: { batchId: string; rendering: string[] }) => Promise<Record<string, unknown>>;
  },
): Promise<BatchUnderFaultResult> {
  const placements = watchPlacements(join(stack.dataDir, 'videos'));
  try {
    const items = Array.from({ length: options.size }, (_, i) => shortVideo(options.tag, i));
    const created = await stack.post<{ id: string }>('/api/batches', { items, maxConcurrent: options.maxConcurrent });
    if (created.status !== 202) throw new Error(`batch refused: ${JSON.stringify(created)}`);
    const batchId = created.body.id;
    const statusPath = `/api/batches/${batchId}?limit=1000`;

    await pollUntil('a few completed videos', () => getOk<BatchStatusView>(stack, statusPath), (b) => b.completed >= 3, 300_000);
    const rendering = (await waitForRender(stack.worker.pid)).map((r) => r.videoId);
    let polls = 0;
    let unanswered = 0;
    let faultOver = false;
    const poller = (async () => {
      while (!faultOver) {
        polls++;
        if (!(await getOk(stack, statusPath))) unanswered++;
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    let fault: Record<string, unknown>;
    try {
      fault = await options.inject({ batchId, rendering });
    } finally {
      faultOver = true;
      await poller;
    }
    const batch = await pollUntil('the batch to finish', () => getOk<BatchStatusView>(stack, statusPath), terminal, 900_000);
    const ids = batch.items.map((i) => i.videoId);
    const videos = await checkDelivered(stack, ids, placements);
    // A SIGKILLed worker's ffmpeg children outlive it for a moment (they stop on their broken stderr pipe).
    let strayProcesses: string[] = [];
    await waitFor('stray processes to end', async () => (strayProcesses = [...processesMentioning(stack.dataDir, 'ffmpeg'), ...processesMentioning(stack.dataDir, 'espeak-ng')]).length === 0, 60_000).catch(() => undefined);
    return {
      batchId,
      videos,
      batch,
      fault,
      cache: await auditCache(join(stack.dataDir, 'cache')),
      unansweredPolls: unanswered,
      polls,
      strayProcesses,
    };
  } finally {
    placements.close();
  }
}

/** The figures a batch scenario reports. */
export function batchFigures(result: BatchUnderFaultResult): Record<string, unknown> {
  const sum = (f: (v: DeliveredVideo) => number) => result.videos.reduce((s, v) => s + f(v), 0);
  return {
    videos: result.videos.length,
    completed: result.batch.completed,
    failed: result.batch.failed,
    cancelled: result.batch.cancelled,
    rendersCompleted: sum((v) => v.renders),
    renderAttemptsBeyondFirst: sum((v) => v.renderAttempts - 1),
    activityRetries: sum((v) => v.retries),
    maxProducedPerVideo: Math.max(...result.videos.map((v) => v.produced)),
    placedFromCache: sum((v) => v.placedFromCache),
    statusPollsDuringFault: result.polls,
    unansweredPollsDuringFault: result.unansweredPolls,
    cache: result.cache,
    fault: result.fault,
  };
}
