import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { ArtifactCache } from '@vidflow/cache';
import type { ObjectStore } from '@vidflow/activities/object-store';
import type { VidflowConfig } from '@vidflow/config';
import { PipelineCacheReader, type PipelineHit } from '@vidflow/pipeline-cache';
import {
  VideoRequestSchema,
  videoRunSettings,
  videoWorkflowInput,
  type RunStatus,
  type Stage,
  type VideoError,
  type VideoProgress,
  type VideoRequest,
  type VideoStatusView,
  type VideoWorkflowInput,
} from '@vidflow/contracts';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { posix, resolve, sep } from 'node:path';
import { ApiMetrics } from '../metrics/api-metrics';
import { ConflictError, NotFoundError, UnprocessableError } from '../common/api-errors';
import { checkIdempotencyKey, requestHash } from '../common/idempotency';
import { mediaLibraryRefs, policyAvailability, requestPolicyIssues, summarizePolicyIssues } from '../common/request-policy';
import { MediaService } from '../media/media.service';
import { VoicesService } from '../voices/voices.service';
import { remember } from '../common/remember';
import { RefreshedReads, type StatusRead } from '../status-refresh/refreshed-reads';
import { StatusWatchHub } from '../status-refresh/status-watch-hub';
import { validate } from '../common/zod-validation';
import { TemporalGateway, type StartPolicy } from '../temporal/temporal-gateway';
import { assertVideoId, idempotentId } from '../temporal/workflow-ids';
import { CACHE, CONFIG, OBJECT_STORE } from '../tokens';
import { EVENTS_POLL_MS } from './video-events';
import { WebhooksService } from '../webhooks/webhooks.service';
import { toStatusView } from './video-status.mapper';

/** How long the POST of a repeated request waits for its run to record the pipeline-cache hit (see completesAtOnce). */
const REPEAT_WAIT_MS = 1000;
/** How long a deleted video is answered 404 here whatever Temporal still says (its deletion is asynchronous). */
const PURGE_SETTLE_MS = 10 * 60_000;
/** How long a POST waits for its pipeline-cache lookup (see lookupWithinBudget). */
const LOOKUP_BUDGET_MS = 500;
/** Longest single close watch of a running video (a long poll); a later read starts the next one. */
const CLOSE_WATCH_MS = 10 * 60_000;

export interface CreatedVideo {
  id: string;
  status: RunStatus;
  links: { self: string; file: string; events: string };
}

@Injectable()
export class VideosService {
  /**
   * What this API remembers, by `<id>/<run id>`: a closed run never changes, but an id can get a new run (a
   * batch's retry, `temporal workflow reset`), so a status is remembered per run and every read asks which run
   * is current (one describe, shared for STATUS_REFRESH_MS). Completed runs with the file's path in the artifact store; failed and cancelled
   * runs; and the last status served of each running run, which is all that is known of its render progress
   * once an operator terminates it.
   */
  private readonly completed = new Map<string, { view: VideoStatusView; path?: string }>();
  private readonly ended = new Map<string, VideoStatusView>();
  private readonly lastRunning = new Map<string, VideoStatusView>();
  /**
   * Videos this API deleted (purge), until when: Temporal removes a run asynchronously (seconds to a minute on the
   * dev server), and until then its describe still answers. Reads and lists here answer as if it were gone already.
   */
  private readonly purged = new Map<string, number>();
  /** Ids with a completed run: a request by content joins no run under them (see create()). */
  private readonly completedIds = new Map<string, true>();
  /** Status reads shared by every reader for STATUS_REFRESH_MS; a watched close drops them at once. */
  readonly reads: RefreshedReads<RunStatusRead>;
  /** One watcher per video for all its event streams, woken at once by the close of its run. */
  readonly events: StatusWatchHub<VideoStatusView>;
  private readonly logger = new Logger(VideosService.name);

  /** The pipeline cache's read side, so that a repeated request is answered in one round trip. */
  private readonly pipeline: PipelineCacheReader;

  constructor(
    @Inject(CONFIG) private readonly config: VidflowConfig,
    private readonly temporal: TemporalGateway,
    @Inject(CACHE) cache: ArtifactCache,
    private readonly webhooks: WebhooksService,
    private readonly media: MediaService,
    private readonly voices: VoicesService,
    @Inject(OBJECT_STORE) private readonly objects: ObjectStore,
    @Optional() private readonly metrics?: ApiMetrics,
  ) {
    this.pipeline = new PipelineCacheReader(cache, config.mediaDir);
    this.reads = new RefreshedReads({
      refreshMs: config.api.statusRefreshMs,
      watchClose: (id, runId, signal) => temporal.waitForClose(id, runId, { maxMs: CLOSE_WATCH_MS, signal }),
    });
    this.events = new StatusWatchHub({
      read: (id) => this.getForStream(id),
      pollMs: Math.max(EVENTS_POLL_MS, config.api.statusRefreshMs),
      onClose: (listener) => this.reads.onClose(listener),
    });
    metrics?.reportStreams('video', () => this.events.stats());
  }

  onModuleDestroy(): void {
    this.events.stop();
    this.reads.stop();
  }

  async create(body: unknown, idempotencyKey?: string, scope = ''): Promise<CreatedVideo> {
    const key = checkIdempotencyKey(idempotencyKey);
    const request = validate(VideoRequestSchema, body);
    const issues = requestPolicyIssues(request, this.policy());
    issues.push(...(await this.media.unknownRefs(mediaLibraryRefs(request))));
    if (issues.length) throw new UnprocessableError(summarizePolicyIssues(issues), issues);
    const run = videoRunSettings(this.config);
    const start = (videoId: string, pipelineCache?: VideoWorkflowInput['pipelineCache'], policy?: StartPolicy) =>
      this.temporal.startVideo(videoWorkflowInput(videoId, request, run, pipelineCache), policy);
    const submitted = (id: string, status: RunStatus, how: string): CreatedVideo => {
      this.logger.log({ msg: 'video submitted', workflowId: id, input: request.topic !== undefined ? 'topic' : request.script !== undefined ? 'script' : 'scenes', how });
      return { id, status, links: links(id) };
    };

    if (key) {
      const id = idempotentId('vid', scope, key);
      if ((await start(id, undefined, { kind: 'idempotent', requestHash: requestHash(body) })) === 'key-conflict') {
        throw new ConflictError('Idempotency-Key was already used with a different request body');
      }
      return submitted(id, 'queued', 'idempotency key');
    }
    if (request.cache.mode !== 'use') {
      const id = `vid-${randomUUID()}`;
      await start(id);
      return submitted(id, 'queued', `cache ${request.cache.mode}`);
    }

    // A repeat of an earlier request: the pipeline cache holds its finished video. The run started under a
    // fresh id places that file at its own path (a local activity in its first workflow task) and completes;
    // the POST waits for it and answers `completed`: the client needs no poll.
    const fresh = `vid-${randomUUID()}`;
    const checked = await this.lookupWithinBudget(fresh, request);
    const hit = checked?.hit;
    if (hit) {
      await start(fresh, { found: { progress: hit.progress, videoFile: hit.videoFile, ...(hit.posterFile ? { posterFile: hit.posterFile } : {}) } });
      return submitted(fresh, await this.completesAtOnce(fresh), 'pipeline cache');
    }
    // Not in the cache: identical requests name the same workflow while it runs, so requests submitted
    // together share one run. Once that run has finished (and its cache entry is gone, or we would have
    // hit it) a repeat gets the fresh id and a run of its own. Either way an id has one run for life, so
    // a completed status can be remembered by id (see get()).
    const { cache: _cache, ...shape } = request;
    const id = idempotentId('vid', `content:${this.config.taskQueues.io}`, requestHash(shape));
    // Unless the lookup ran out of time, the run need not look the request up again.
    const missed = checked ? {} : undefined;
    if (!this.completedIds.has(id) && (await start(id, missed, { kind: 'share-running' })) === 'started') {
      return submitted(id, 'queued', 'by content');
    }
    await start(fresh, missed);
    return submitted(fresh, 'queued', 'repeat');
  }

  /**
   * The pipeline-cache lookup, given LOOKUP_BUDGET_MS: a lookup is a few milliseconds, but a cache lock held
   * by a stuck process, a slow shared disk or a large media file hashed for the first time must not hold the
   * POST (whose Temporal calls share one deadline). Past the budget, or when the lookup fails (logged once,
   * here), it answers undefined (not checked) and the run looks the request up itself. Nothing is written.
   */
  private async lookupWithinBudget(videoId: string, request: VideoRequest): Promise<{ hit?: PipelineHit } | undefined> {
    const lookup = this.pipeline.lookup(request).then(
      (hit) => ({ hit }),
      (err: unknown) => {
        this.logger.warn({ msg: 'pipeline-cache lookup failed; the run looks the request up itself', videoId, error: (err as Error)?.message });
        return undefined;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), LOOKUP_BUDGET_MS)));
    const outcome = await Promise.race([lookup, late]);
    clearTimeout(timer);
    if (outcome !== 'late') return outcome;
    this.logger.warn({ msg: 'pipeline-cache lookup took longer than its budget; the run looks the request up itself', videoId, budgetMs: LOOKUP_BUDGET_MS });
    return undefined;
  }

  /**
   * A run recording a pipeline-cache hit completes within milliseconds of its start, so the POST waits up
   * to REPEAT_WAIT_MS for it and answers `completed`. Past that (no worker is polling) it answers `queued`,
   * which is what the run's status says until a worker records it.
   */
  private async completesAtOnce(id: string): Promise<RunStatus> {
    // Still running past the wait (or failed: its status says so): queued.
    return (await this.temporal.completesWithin(id, REPEAT_WAIT_MS)) ? 'completed' : 'queued';
  }

  /**
   * The status of a video: of its current run (one describe says which run that is; after a reset or a batch's
   * retry it is a new one). A closed run's status is answered from memory after that describe. Reads that
   * arrive while one is already asking Temporal wait for that answer, and an answer serves every reader for
   * STATUS_REFRESH_MS: a hundred clients watching one video cost what one does. A running run's close drops the
   * answer at once (RefreshedReads), so no reader is answered `running` from memory after the API saw the end.
   */
  async get(id: string): Promise<VideoStatusView> {
    const { view } = await this.current(id);
    // The run records only that it started the delivery; how it is going is the delivery workflow's.
    return view.webhook ? { ...view, webhook: await this.webhooks.state(id, view.webhook) } : view;
  }

  /** True while a video this API deleted may still be known to Temporal (see `purged`). */
  isPurged(id: string): boolean {
    const until = this.purged.get(id);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.purged.delete(id);
    return false;
  }

  private current(id: string): Promise<RunStatusRead> {
    assertVideoId(id);
    if (this.isPurged(id)) return Promise.reject(new NotFoundError(`video ${id} not found (deleted)`));
    return this.reads.get(id, () => this.read(id));
  }

  private async read(id: string): Promise<StatusRead<RunStatusRead>> {
    this.metrics?.statusReads.inc({ kind: 'video' });
    const desc = await this.temporal.describe('video', id);
    const runKey = `${id}/${desc.runId}`;
    const known = this.completed.get(runKey) ?? (this.ended.has(runKey) ? { view: this.ended.get(runKey)! } : undefined);
    if (known) return { value: known };
    const fileUrl = links(id).file;
    const name = desc.status;
    if (name === 'RUNNING') {
      const progress = await this.temporal.queryVideo(id);
      const started = progress && (progress.stages.script.status !== 'running' || desc.hasStartedActivity);
      const view = toStatusView({ id, status: started ? 'running' : 'queued', progress, desc, fileUrl, lastSeen: this.lastRunning.get(runKey) });
      // A query that found no worker says nothing new: the status seen before stays the one remembered.
      if (progress) remember(this.lastRunning, runKey, view);
      return { value: { view }, runningRunId: desc.runId };
    }
    const lastSeen = this.lastRunning.get(runKey);
    if (name === 'COMPLETED') {
      const progress = await this.temporal.result<VideoProgress>(id);
      const read = { view: toStatusView({ id, status: 'completed', progress, desc, fileUrl, thumbnailUrl: thumbnailUrl(id) }), path: progress.result?.path };
      remember(this.completed, runKey, read);
      remember(this.completedIds, id, true);
      this.lastRunning.delete(runKey);
      return { value: read };
    }
    const { status, error, progress: carried } = await this.failure(id);
    // A run the workflow failed carries its progress in the failure; a cancelled one, a terminated or timed-out
    // one (or one failed by an older version) is asked with a query, which has a worker replay its history.
    const progress = carried ?? (await this.temporal.queryVideo(id));
    const view = toStatusView({ id, status, progress, error, desc, fileUrl, lastSeen });
    // Without the workflow's own state (no worker answered) the status is a best guess: not remembered, so
    // that a later read, once a worker is back, gives the full one.
    if (progress) {
      remember(this.ended, runKey, view);
      this.lastRunning.delete(runKey);
    }
    return { value: { view } };
  }

  async cancel(id: string): Promise<{ id: string; status: RunStatus }> {
    assertVideoId(id);
    const desc = await this.temporal.describe('video', id);
    if (desc.status !== 'RUNNING') {
      throw new ConflictError(`video ${id} is already ${desc.status.toLowerCase()}; only running videos can be cancelled`);
    }
    await this.temporal.cancel(id);
    return { id, status: 'running' };
  }

  /**
   * Deletes a finished video (`DELETE /api/videos/:id?purge=true`): its MP4 and poster frame from the artifact store,
   * then its run from Temporal, so it leaves the list and its id answers 404. A running video is refused: cancel
   * it first. The files go first: a failure in between leaves a listed video whose file is gone (its status says
   * so), never an unlisted file nobody can reach. Cached copies stay in the cache (a repeat is still a hit).
   */
  async purge(id: string): Promise<void> {
    assertVideoId(id);
    if (this.isPurged(id)) throw new NotFoundError(`video ${id} not found (deleted)`);
    const desc = await this.temporal.describe('video', id);
    if (desc.status === 'RUNNING') {
      throw new ConflictError(`video ${id} is running; cancel it first (DELETE /api/videos/${id} without purge)`);
    }
    const stored = desc.status === 'COMPLETED' ? (await this.temporal.result<VideoProgress>(id)).result?.path : undefined;
    const key = posix.normalize(stored ?? `videos/${id}.mp4`);
    if (key.startsWith('videos/')) {
      await this.objects.remove(key);
      await this.objects.remove(posterKey(key));
    }
    await this.temporal.deleteRun(id);
    remember(this.purged, id, Date.now() + PURGE_SETTLE_MS);
    this.reads.forget(id);
    for (const map of [this.completed, this.ended, this.lastRunning]) map.delete(`${id}/${desc.runId}`);
    this.completedIds.delete(id);
  }

  /** The bucket or DATA_DIR key of a completed video's poster frame (404 until the video is completed). */
  async thumbnailKey(id: string): Promise<string> {
    const key = posix.normalize((await this.completedPath(id)) ?? '');
    if (!key.startsWith('videos/')) throw new NotFoundError(`video ${id} has no thumbnail`);
    return posterKey(key);
  }

  /** Absolute path of a completed video's MP4, for streaming (Express handles Range requests). */
  async file(id: string): Promise<string> {
    const stored = await this.completedPath(id);
    const path = resolve(this.config.dataDir, stored ?? '');
    if (!path.startsWith(this.config.dataDir + sep) || !existsSync(path)) {
      throw new NotFoundError(`the file of video ${id} is no longer in the artifact store`);
    }
    return path;
  }

  /**
   * The bucket key of a completed video's MP4 (ARTIFACT_STORE=s3): the store-relative path its workflow returned,
   * which workers used as the key. Only keys under videos/ are served.
   */
  async fileKey(id: string): Promise<string> {
    const key = posix.normalize((await this.completedPath(id)) ?? '');
    if (!key.startsWith('videos/')) throw new NotFoundError(`the file of video ${id} is no longer in the artifact store`);
    return key;
  }

  private async completedPath(id: string): Promise<string | undefined> {
    const { view: status, path: stored } = await this.current(id);
    if (status.status !== 'completed') {
      throw new ConflictError(`video ${id} is ${status.status}; its file exists once it is completed`);
    }
    return stored;
  }

  /** The status of a video for a stream: each read bounded by its own Temporal deadline. */
  getForStream(id: string): Promise<VideoStatusView> {
    return this.temporal.withDeadline(() => this.get(id));
  }

  /** How a closed run ended, as the video's status and error. */
  private async failure(id: string): Promise<{ status: RunStatus; error?: VideoError; progress?: VideoProgress }> {
    const outcome = await this.temporal.outcome(id);
    if (outcome.status !== 'failed') return { status: outcome.status };
    // The video workflow fails with its root cause's type and message, and the stage and progress in its details.
    const { stage, progress } = (outcome.details ?? {}) as { stage?: Stage; progress?: VideoProgress };
    return { status: 'failed', error: { type: outcome.type, message: outcome.message, ...(stage ? { stage } : {}) }, progress };
  }

  private policy() {
    return policyAvailability(this.config, this.voices.current());
  }
}

/** A video's status as read, with (completed) the file's path in the artifact store. */
interface RunStatusRead {
  view: VideoStatusView;
  path?: string;
}

/** A video's links; a completed one's poster frame too. */
export function links(id: string, status?: RunStatus): { self: string; file: string; events: string; thumbnail?: string } {
  const self = `/api/videos/${id}`;
  return { self, file: `${self}/file`, events: `${self}/events`, ...(status === 'completed' ? { thumbnail: thumbnailUrl(id) } : {}) };
}

function thumbnailUrl(id: string): string {
  return `/api/videos/${id}/thumbnail`;
}

/** The poster frame's key beside a finished MP4's (`videos/<id>.mp4` -> `videos/<id>.jpg`). */
function posterKey(videoKey: string): string {
  return videoKey.replace(/\.mp4$/, '.jpg');
}

