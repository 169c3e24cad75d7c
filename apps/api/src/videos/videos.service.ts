import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { ArtifactStore, makeLookupPipeline } from '@vidflow/activities';
import type { ArtifactCache } from '@vidflow/cache';
import type { VidflowConfig } from '@vidflow/config';
import {
  isHttpUrl,
  looksLikeUrl,
  parseMediaUrl,
  SEARCH_ATTRIBUTES,
  VIDEO_WORKFLOW,
  VideoRequestSchema,
  videoStatusQuery,
  type FieldIssue,
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
import { rm } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { ConflictError, NotFoundError, UnprocessableError, ValidationFailedError } from '../common/api-errors';
import { checkIdempotencyKey, idempotentId, requestHash, startOnce } from '../common/idempotency';
import { validate } from '../common/zod-validation';
import { CACHE, CONFIG, TEMPORAL_CLIENT } from '../tokens';
import { toStatusView } from './video-status.mapper';

/** `vid-<uuid>` from the API; `vid-<batch>-<index>` for an item of a batch (a batch id may carry a schedule time). */
const VIDEO_ID = /^vid-[A-Za-z0-9._:-]{1,220}$/;
/** Finished videos never change, so their status is kept here instead of asking Temporal again. */
const FINISHED_CACHE_SIZE = 10_000;
/** How long the POST of a repeated request waits for its run to record the pipeline-cache hit (see completesAtOnce). */
const REPEAT_WAIT_MS = 1000;
/** How long a POST waits for its pipeline-cache lookup (see lookupWithinBudget). */
const LOOKUP_BUDGET_MS = 500;
/** A query needs a worker; when none answers this quickly the video is reported as queued. */
const QUERY_DEADLINE_MS = 3000;

export interface CreatedVideo {
  id: string;
  status: RunStatus;
  links: { self: string; file: string; events: string };
}

@Injectable()
export class VideosService {
  /** Completed videos by id, with the file's path in the artifact store. */
  private readonly completed = new Map<string, { view: VideoStatusView; path?: string }>();
  /** Failed and cancelled videos by id and run. */
  private readonly ended = new Map<string, VideoStatusView>();
  /** Status reads of unfinished videos in flight, shared by the requests that arrive meanwhile. */
  private readonly pendingReads = new Map<string, Promise<VideoStatusView>>();
  private readonly logger = new Logger(VideosService.name);

  private readonly store: ArtifactStore;
  /** The workers' pipeline-cache lookup, run here so a repeated request needs no activity at all. */
  private readonly lookupPipeline: ReturnType<typeof makeLookupPipeline>;

  constructor(
    @Inject(CONFIG) private readonly config: VidflowConfig,
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(CACHE) cache: ArtifactCache,
  ) {
    this.store = new ArtifactStore(config.dataDir);
    this.lookupPipeline = makeLookupPipeline({ store: this.store, cache, mediaDir: config.mediaDir });
  }

  async create(body: unknown, idempotencyKey?: string, scope = ''): Promise<CreatedVideo> {
    const key = checkIdempotencyKey(idempotencyKey);
    const request = validate(VideoRequestSchema, body);
    rejectUnsupported(request, { openai: this.config.openai !== undefined, privateMediaUrls: this.config.mediaDownload.allowPrivate });
    const start = (workflowId: string, extra: Partial<VideoWorkflowInput> = {}, options: object = {}) =>
      this.client.workflow.start(VIDEO_WORKFLOW, {
        workflowId,
        taskQueue: this.config.taskQueues.io,
        args: [
          {
            videoId: workflowId,
            request,
            ttsParallelism: this.config.ttsParallelism,
            renderTaskQueue: this.config.taskQueues.render,
            llmTaskQueue: this.config.taskQueues.llm,
            ...extra,
          } satisfies VideoWorkflowInput,
        ],
        typedSearchAttributes: [
          { key: SEARCH_ATTRIBUTES.kind, value: 'video' },
          { key: SEARCH_ATTRIBUTES.stage, value: 'script' },
        ],
        ...options,
      });
    const submitted = (id: string, status: RunStatus, how: string): CreatedVideo => {
      this.logger.log({ msg: 'video submitted', workflowId: id, input: request.topic !== undefined ? 'topic' : request.script !== undefined ? 'script' : 'scenes', how });
      return { id, status, links: links(id) };
    };

    if (key) {
      const id = idempotentId('vid', scope, key);
      await startOnce(this.client, id, requestHash(body), (options) => start(id, {}, options));
      return submitted(id, 'queued', 'idempotency key');
    }
    if (request.cache.mode !== 'use') {
      const id = `vid-${randomUUID()}`;
      await start(id);
      return submitted(id, 'queued', `cache ${request.cache.mode}`);
    }

    // A repeat of an earlier request: its finished video, from the pipeline cache, is placed at a fresh
    // id's path and the run started under that id records it (no activity, one workflow task). The POST
    // waits for that run to complete and answers `completed`: the client needs no poll.
    const fresh = `vid-${randomUUID()}`;
    const checked = await this.lookupWithinBudget(fresh, request);
    const hit = checked?.hit;
    if (hit) {
      try {
        await start(fresh, { pipelineCache: { hit } });
      } catch (err) {
        await rm(this.store.resolve(this.store.video(fresh)), { force: true });
        throw err;
      }
      return submitted(fresh, await this.completesAtOnce(fresh), 'pipeline cache');
    }
    // Not in the cache: identical requests name the same workflow while it runs, so requests submitted
    // together share one run. Once that run has finished (and its cache entry is gone, or we would have
    // hit it) a repeat gets the fresh id and a run of its own. Either way an id has one run for life, so
    // a completed status can be remembered by id (see get()).
    const { cache: _cache, ...shape } = request;
    const id = idempotentId('vid', `content:${this.config.taskQueues.io}`, requestHash(shape));
    // Unless the lookup ran out of time, the run need not look the request up again.
    const missed = checked ? { pipelineCache: {} } : {};
    if (!this.completed.has(id)) {
      try {
        await start(id, missed, { workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE' });
        return submitted(id, 'queued', 'by content');
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    }
    // A late lookup may still put a file at `fresh`'s path (and removes it): this run gets an id of its own.
    const repeatId = checked ? fresh : `vid-${randomUUID()}`;
    await start(repeatId, missed);
    return submitted(repeatId, 'queued', 'repeat');
  }

  /**
   * The pipeline-cache lookup, given LOOKUP_BUDGET_MS: a lookup is a few milliseconds, but a cache lock held
   * by a stuck process, a slow shared disk or a large media file hashed for the first time must not hold the
   * POST (whose Temporal calls share one deadline). Past the budget it answers undefined (not checked) and
   * the run looks the request up itself; the late lookup's hit, if any, is removed from `videoId`'s path.
   */
  private async lookupWithinBudget(videoId: string, request: VideoRequest): Promise<{ hit?: VideoProgress } | undefined> {
    const lookup = this.lookupPipeline({ videoId, request }).catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), LOOKUP_BUDGET_MS)));
    const outcome = await Promise.race([lookup, late]);
    clearTimeout(timer);
    if (outcome !== 'late') return { hit: outcome };
    this.logger.warn({ msg: 'pipeline-cache lookup took longer than its budget; the run looks the request up itself', videoId, budgetMs: LOOKUP_BUDGET_MS });
    void lookup.then((hit) => hit && rm(this.store.resolve(this.store.video(videoId)), { force: true })).catch(() => undefined);
    return undefined;
  }

  /**
   * A run recording a pipeline-cache hit completes within milliseconds of its start, so the POST waits up
   * to REPEAT_WAIT_MS for it and answers `completed`. Past that (no worker is polling) it answers `queued`,
   * which is what the run's status says until a worker records it.
   */
  private async completesAtOnce(id: string): Promise<RunStatus> {
    try {
      await this.client.withAbortSignal(AbortSignal.timeout(REPEAT_WAIT_MS), () => this.client.workflow.getHandle(id).result());
      return 'completed';
    } catch {
      return 'queued'; // still running (or failed: its status says so)
    }
  }

  /**
   * The status of a video. A completed video never changes (an id has one run for life, and a batch's
   * retry re-runs only failed items), so its status is answered from memory without asking Temporal.
   * Reads of an unfinished video that arrive while one is already asking Temporal wait for that answer
   * instead of asking again: a hundred clients watching one video cost what one does, and no answer is
   * older than the request that received it.
   */
  async get(id: string): Promise<VideoStatusView> {
    assertVideoId(id);
    const completed = this.completed.get(id);
    if (completed) return completed.view;
    const pending = this.pendingReads.get(id);
    if (pending) return pending;
    const read = this.read(id).finally(() => this.pendingReads.delete(id));
    this.pendingReads.set(id, read);
    return read;
  }

  private async read(id: string): Promise<VideoStatusView> {
    // Failed and cancelled videos of a batch may be retried under the same id, so their status is
    // remembered per run: one describe says which run is current.
    const desc = await this.describe(id);
    const runKey = `${id}/${desc.runId}`;
    const ended = this.ended.get(runKey);
    if (ended) return ended;
    const fileUrl = links(id).file;
    const name = desc.status.name;
    if (name === 'RUNNING') {
      const progress = await this.queryProgress(id);
      const started = progress && (progress.stages.script.status !== 'running' || hasStartedActivity(desc));
      return toStatusView({ id, status: started ? 'running' : 'queued', progress, desc, fileUrl });
    }
    if (name === 'COMPLETED') {
      const progress = (await this.client.workflow.getHandle(id).result()) as VideoProgress;
      const view = toStatusView({ id, status: 'completed', progress, desc, fileUrl });
      remember(this.completed, id, { view, path: progress.result?.path });
      return view;
    }
    const { status, error, progress: carried } = await this.failure(id);
    // A failed run carries its progress in the failure; a cancelled one (or one failed by an older
    // version) is asked with a query, which has a worker replay it.
    const progress = carried ?? (await this.queryProgress(id));
    const view = toStatusView({ id, status, progress, error, desc, fileUrl });
    remember(this.ended, runKey, view);
    return view;
  }

  async cancel(id: string): Promise<{ id: string; status: RunStatus }> {
    assertVideoId(id);
    const desc = await this.describe(id);
    if (desc.status.name !== 'RUNNING') {
      throw new ConflictError(`video ${id} is already ${desc.status.name.toLowerCase()}; only running videos can be cancelled`);
    }
    await this.client.workflow.getHandle(id).cancel();
    return { id, status: 'running' };
  }

  /** Absolute path of a completed video's MP4, for streaming (Express handles Range requests). */
  async file(id: string): Promise<string> {
    const status = await this.get(id);
    if (status.status !== 'completed') {
      throw new ConflictError(`video ${id} is ${status.status}; its file exists once it is completed`);
    }
    const path = resolve(this.config.dataDir, this.completed.get(id)?.path ?? '');
    if (!path.startsWith(this.config.dataDir + sep) || !existsSync(path)) {
      throw new NotFoundError(`the file of video ${id} is no longer in the artifact store`);
    }
    return path;
  }


  private async describe(id: string): Promise<WorkflowExecutionDescription> {
    try {
      return await this.client.workflow.getHandle(id).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new NotFoundError(`no video with id ${id}`);
      throw err;
    }
  }

  private async queryProgress(id: string): Promise<VideoProgress | undefined> {
    try {
      return await this.client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
        this.client.workflow.getHandle(id).query(videoStatusQuery),
      );
    } catch {
      return undefined;
    }
  }

  private async failure(id: string): Promise<{ status: RunStatus; error?: VideoError; progress?: VideoProgress }> {
    try {
      await this.client.workflow.getHandle(id).result();
      return { status: 'completed' };
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) throw err;
      if (err.cause instanceof CancelledFailure) return { status: 'cancelled' };
      const cause = err.cause;
      if (cause instanceof ApplicationFailure) {
        const { stage, progress } = (cause.details?.[0] ?? {}) as { stage?: Stage; progress?: VideoProgress };
        return { status: 'failed', error: { type: cause.type ?? 'Error', message: cause.message, ...(stage ? { stage } : {}) }, progress };
      }
      return { status: 'failed', error: { type: cause?.name ?? 'Error', message: cause?.message ?? err.message } };
    }
  }
}

/** Bounded insertion-ordered memory: past `FINISHED_CACHE_SIZE` entries the oldest goes. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= FINISHED_CACHE_SIZE) map.delete(map.keys().next().value!);
  map.set(key, value);
}

export function links(id: string) {
  const self = `/api/videos/${id}`;
  return { self, file: `${self}/file`, events: `${self}/events` };
}

function assertVideoId(id: string): void {
  if (!VIDEO_ID.test(id)) {
    throw new ValidationFailedError(`id: "${id}" is not a video id (vid-<uuid>)`, [{ field: 'id', message: 'not a video id' }]);
  }
}

function hasStartedActivity(desc: WorkflowExecutionDescription): boolean {
  return (desc.raw.pendingActivities ?? []).some((a) => a.lastStartedTime != null);
}

/**
 * Options of the contract that this version's worker cannot carry out yet. They are refused up front
 * with 422 (well-formed but impossible) instead of being accepted and failing later.
 */
export function rejectUnsupported(request: VideoRequest, available: { openai?: boolean; privateMediaUrls?: boolean } = {}): void {
  const issues: FieldIssue[] = [];
  // The workers get the same settings; with neither OPENAI_API_KEY nor OPENAI_BASE_URL they have no OpenAI providers.
  const notConfigured = 'is not configured on this server (set OPENAI_API_KEY or OPENAI_BASE_URL)';
  if (request.llm.provider === 'openai' && !available.openai && request.topic !== undefined) {
    issues.push({ field: 'llm.provider', message: `"openai" ${notConfigured}; use "offline"` });
  }
  if (request.voice.provider === 'openai' && !available.openai) {
    issues.push({ field: 'voice.provider', message: `"openai" ${notConfigured}; use "espeak"` });
  }
  // Media files are resolved (URLs downloaded) and decoded by the render worker, which fails the video
  // at once (BadMedia, naming the field) when one is missing, unreadable, outside MEDIA_DIR or on a
  // refused address; what the text alone shows to be impossible is refused here.
  for (const [field, ref] of mediaRefs(request)) {
    const problem = mediaRefProblem(ref, available.privateMediaUrls);
    if (problem) issues.push({ field, message: problem });
  }
  if (issues.length) {
    throw new UnprocessableError(issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues);
  }
}

/** Every media reference of a request with the field it came from. */
function mediaRefs(request: VideoRequest): Array<[string, string]> {
  const refs: Array<[string, string]> = [];
  const background = (bg: VideoRequest['render']['background'] | undefined, field: string) => {
    if (bg && 'image' in bg) refs.push([`${field}.image`, bg.image]);
    if (bg && 'video' in bg) refs.push([`${field}.video`, bg.video]);
  };
  background(request.render.background, 'render.background');
  request.scenes?.forEach((scene, i) => background(scene.background, `scenes.${i}.background`));
  if (request.render.music) refs.push(['render.music.source', request.render.music.source]);
  return refs;
}

/**
 * An http(s) URL must be well-formed (absolute, with a host, no credentials: `parseMediaUrl`, the
 * worker's own check). A host written as an IP address in a refused range (loopback, private,
 * link-local, …) is refused only when the caller says private URLs are off (`privateMediaUrls: false`,
 * from MEDIA_ALLOW_PRIVATE_URLS); host names are judged by the worker at connect time, on the
 * addresses DNS gives it then.
 */
function mediaRefProblem(ref: string, privateMediaUrls?: boolean): string | undefined {
  if (isHttpUrl(ref)) return parseMediaUrl(ref, { allowPrivate: privateMediaUrls !== false }).problem;
  if (looksLikeUrl(ref)) return 'must be an http(s) URL or a path under MEDIA_DIR';
  if (ref.includes('\0')) return 'must not contain a NUL character';
  if (ref.split(/[\\/]/).includes('..')) return 'must not contain ".." (paths are relative to MEDIA_DIR)';
  return undefined;
}
