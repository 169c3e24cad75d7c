import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowFailedError, WorkflowNotFoundError, type WorkflowExecutionDescription } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { VidflowConfig } from '@vidflow/config';
import {
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
import { resolve, sep } from 'node:path';
import { ConflictError, NotFoundError, UnprocessableError, ValidationFailedError } from '../common/api-errors';
import { validate } from '../common/zod-validation';
import { CONFIG, TEMPORAL_CLIENT } from '../tokens';
import { toStatusView } from './video-status.mapper';

/** `vid-<uuid>` from the API; `vid-<batch>-<index>` for an item of a batch (a batch id may carry a schedule time). */
const VIDEO_ID = /^vid-[A-Za-z0-9._:-]{1,220}$/;
/** Finished videos never change, so their status is kept here instead of asking Temporal again. */
const FINISHED_CACHE_SIZE = 10_000;
/** A query needs a worker; when none answers this quickly the video is reported as queued. */
const QUERY_DEADLINE_MS = 3000;

export interface CreatedVideo {
  id: string;
  status: RunStatus;
  links: { self: string; file: string; events: string };
}

@Injectable()
export class VideosService {
  private readonly finished = new Map<string, VideoStatusView>();

  constructor(
    @Inject(CONFIG) private readonly config: VidflowConfig,
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
  ) {}

  async create(body: unknown): Promise<CreatedVideo> {
    const request = validate(VideoRequestSchema, body);
    rejectUnsupported(request);
    const id = `vid-${randomUUID()}`;
    const input: VideoWorkflowInput = {
      videoId: id,
      request,
      ttsParallelism: this.config.ttsParallelism,
      renderTaskQueue: this.config.taskQueues.render,
      llmTaskQueue: this.config.taskQueues.llm,
    };
    await this.client.workflow.start(VIDEO_WORKFLOW, {
      workflowId: id,
      taskQueue: this.config.taskQueues.io,
      args: [input],
      typedSearchAttributes: [
        { key: SEARCH_ATTRIBUTES.kind, value: 'video' },
        { key: SEARCH_ATTRIBUTES.stage, value: 'script' },
      ],
    });
    return { id, status: 'queued', links: links(id) };
  }

  async get(id: string): Promise<VideoStatusView> {
    assertVideoId(id);
    const cached = this.finished.get(id);
    if (cached) return cached;
    const handle = this.client.workflow.getHandle(id);
    const desc = await this.describe(id);
    const fileUrl = links(id).file;
    const name = desc.status.name;
    if (name === 'RUNNING') {
      const progress = await this.queryProgress(id);
      const started = progress && (progress.stages.script.status !== 'running' || hasStartedActivity(desc));
      return toStatusView({ id, status: started ? 'running' : 'queued', progress, desc, fileUrl });
    }
    let view: VideoStatusView;
    if (name === 'COMPLETED') {
      const progress = (await handle.result()) as VideoProgress;
      view = toStatusView({ id, status: 'completed', progress, desc, fileUrl });
    } else {
      const { status, error } = await this.failure(id);
      const progress = await this.queryProgress(id);
      view = toStatusView({ id, status, progress, error, desc, fileUrl });
    }
    this.remember(id, view);
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
    const progress = (await this.client.workflow.getHandle(id).result()) as VideoProgress;
    const path = resolve(this.config.dataDir, progress.result?.path ?? '');
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

  private async failure(id: string): Promise<{ status: RunStatus; error?: VideoError }> {
    try {
      await this.client.workflow.getHandle(id).result();
      return { status: 'completed' };
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) throw err;
      if (err.cause instanceof CancelledFailure) return { status: 'cancelled' };
      const cause = err.cause;
      if (cause instanceof ApplicationFailure) {
        const stage = (cause.details?.[0] as { stage?: Stage } | undefined)?.stage;
        return { status: 'failed', error: { type: cause.type ?? 'Error', message: cause.message, ...(stage ? { stage } : {}) } };
      }
      return { status: 'failed', error: { type: cause?.name ?? 'Error', message: cause?.message ?? err.message } };
    }
  }

  private remember(id: string, view: VideoStatusView): void {
    if (this.finished.size >= FINISHED_CACHE_SIZE) {
      this.finished.delete(this.finished.keys().next().value!);
    }
    this.finished.set(id, view);
  }
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
export function rejectUnsupported(request: VideoRequest): void {
  const issues: FieldIssue[] = [];
  if (request.llm.provider !== 'offline' && request.topic !== undefined) {
    issues.push({ field: 'llm.provider', message: `"${request.llm.provider}" is not available yet; use "offline"` });
  }
  if (request.voice.provider !== 'espeak') {
    issues.push({ field: 'voice.provider', message: `"${request.voice.provider}" is not available yet; use "espeak"` });
  }
  if (!('color' in request.render.background)) {
    issues.push({ field: 'render.background', message: 'only { "color": "#rrggbb" } backgrounds are available yet' });
  }
  if (request.render.music) issues.push({ field: 'render.music', message: 'background music is not available yet' });
  request.scenes?.forEach((scene, i) => {
    if (scene.background) issues.push({ field: `scenes.${i}.background`, message: 'per-scene backgrounds are not available yet' });
  });
  if (issues.length) {
    throw new UnprocessableError(issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues);
  }
}
