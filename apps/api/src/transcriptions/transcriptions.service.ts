import { Inject, Injectable, Logger } from '@nestjs/common';
import type { VidflowConfig } from '@vidflow/config';
import {
  parseMediaUrl,
  sttLanguageProblem,
  TRANSCRIPTION_ID_PREFIX,
  TranscriptionRequestSchema,
  transcriptionSelfUrl,
  transcriptionStatusView,
  transcriptionWorkflowInput,
  type FieldIssue,
  type RunStatus,
  type TranscriptFormat,
  type TranscriptionError,
  type TranscriptionFailureDetails,
  type TranscriptionInputMedia,
  type TranscriptionProgress,
  type TranscriptionRequest,
  type TranscriptionStatusView,
} from '@vidflow/contracts';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { ApiError, ConflictError, NotFoundError, UnprocessableError, ValidationFailedError } from '../common/api-errors';
import { checkIdempotencyKey, requestHash } from '../common/idempotency';
import { decodeCursor, encodeCursor } from '../common/page-cursor';
import { remember } from '../common/remember';
import { validate } from '../common/zod-validation';
import { TemporalGateway } from '../temporal/temporal-gateway';
import { assertTranscriptionId, idempotentId } from '../temporal/workflow-ids';
import { CONFIG } from '../tokens';
import { UploadsService } from '../uploads/uploads.service';
import { VideosService } from '../videos/videos.service';
import { MediaService } from '../media/media.service';
import { WebhooksService } from '../webhooks/webhooks.service';

export type TranscriptionFile = TranscriptFormat | 'video';

export interface CreatedTranscription {
  id: string;
  status: RunStatus;
  links: { self: string; events: string };
}

export const TranscriptionListQuerySchema = z.strictObject({
  status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(4096).optional(),
});

/** What a file is served as. */
export const FILE_TYPES: Record<TranscriptionFile, string> = {
  srt: 'application/x-subrip; charset=utf-8',
  vtt: 'text/vtt; charset=utf-8',
  json: 'application/json; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  video: 'video/mp4',
};

/**
 * Transcriptions: a request's source resolved to a file the worker reads (a finished upload, a completed
 * video) or a URL it downloads, checked before anything starts (422 naming the field); the run's status from
 * its query (live), its result (completed) or its failure; its files served from the artifact store.
 */
@Injectable()
export class TranscriptionsService {
  /** Closed runs' statuses by `<id>/<run id>` (see read()): completed ones with their files' paths in the artifact store. */
  private readonly completed = new Map<string, Required<TranscriptionRead>>();
  private readonly ended = new Map<string, TranscriptionStatusView>();
  private readonly logger = new Logger(TranscriptionsService.name);

  constructor(
    @Inject(CONFIG) private readonly config: VidflowConfig,
    private readonly temporal: TemporalGateway,
    private readonly uploads: UploadsService,
    private readonly videos: VideosService,
    private readonly media: MediaService,
    private readonly webhooks: WebhooksService,
  ) {}

  async create(body: unknown, idempotencyKey?: string, scope = ''): Promise<CreatedTranscription> {
    const key = checkIdempotencyKey(idempotencyKey);
    const request = validate(TranscriptionRequestSchema, body);
    const issues = this.policyIssues(request);
    if (issues.length) throw new UnprocessableError(issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues);
    const media = await this.resolveSource(request.source);
    const run = {
      ioTaskQueue: this.config.taskQueues.io,
      sttTaskQueue: this.config.taskQueues.stt,
      renderTaskQueue: this.config.taskQueues.render,
      chunkParallelism: this.config.stt.parallelism,
      webhookRetryHours: this.config.webhooks.retryHours,
    };
    const id = key ? idempotentId('trn', scope, key) : `${TRANSCRIPTION_ID_PREFIX}${randomUUID()}`;
    const input = transcriptionWorkflowInput({ transcriptionId: id, request, media, run });
    const outcome = await this.temporal.startTranscription(input, key ? { kind: 'idempotent', requestHash: requestHash(body) } : { kind: 'new' });
    if (outcome === 'key-conflict') throw new ConflictError('Idempotency-Key was already used with a different request body');
    this.logger.log({ msg: 'transcription submitted', workflowId: id, source: Object.keys(request.source)[0], provider: request.provider.name });
    return { id, status: 'queued', links: links(id) };
  }

  /** What the text of a request shows to be impossible on this server. */
  private policyIssues(request: TranscriptionRequest): FieldIssue[] {
    const issues: FieldIssue[] = [];
    const language = sttLanguageProblem(request.provider.name, request.language);
    if (language) issues.push({ field: 'language', message: language });
    if (request.provider.name === 'openai' && !this.config.stt.openai) {
      issues.push({ field: 'provider.name', message: '"openai" is not configured on this server (set STT_BASE_URL, STT_API_KEY or OPENAI_API_KEY); use "offline"' });
    }
    const callback = request.callbackUrl ? this.webhooks.callbackProblem(request.callbackUrl) : undefined;
    if (callback) issues.push({ field: 'callbackUrl', message: callback });
    return issues;
  }

  /**
   * The file (relative to DATA_DIR), bucket object (an upload with ARTIFACT_STORE=s3: the worker downloads it) or URL
   * the worker transcribes; 422 naming `source.<kind>` when there is none.
   */
  private async resolveSource(source: TranscriptionRequest['source']): Promise<TranscriptionInputMedia> {
    if ('upload' in source) {
      const upload = await this.uploads.finished(source.upload, 'source.upload');
      return upload.key !== undefined ? { object: upload.key } : { path: relative(this.config.dataDir, upload.path) };
    }
    if ('url' in source) {
      const problem = parseMediaUrl(source.url, { allowPrivate: this.config.mediaDownload.allowPrivate }).problem;
      if (problem) throw unprocessable('source.url', problem);
      return { url: source.url };
    }
    if ('video' in source) {
      try {
        return { path: relative(this.config.dataDir, await this.videos.file(source.video)) };
      } catch (err) {
        // The video's own answers (404 unknown, 409 not completed) are about a field of this request here.
        if (err instanceof NotFoundError || err instanceof ConflictError || err instanceof ValidationFailedError) throw unprocessable('source.video', err.message);
        throw err;
      }
    }
    return { path: await this.media.pathFor(source.media, 'source.media') };
  }

  async get(id: string): Promise<TranscriptionStatusView> {
    const { view } = await this.read(id);
    // The run records only that it started the delivery; how it is going is the delivery workflow's.
    return view.webhook ? { ...view, webhook: await this.webhooks.state(id, view.webhook) } : view;
  }

  /**
   * The status of the current run under `id`: one describe says which run that is (a `temporal workflow reset`
   * makes a new run under the same id, which must be followed, not hidden behind the old run's remembered
   * status); a closed run's status is then answered from memory, keyed `<id>/<run id>` as videos.service does.
   */
  private async read(id: string): Promise<TranscriptionRead> {
    assertTranscriptionId(id);
    const desc = await this.temporal.describe('transcription', id);
    const runKey = `${id}/${desc.runId}`;
    const known = this.completed.get(runKey) ?? (this.ended.has(runKey) ? { view: this.ended.get(runKey)! } : undefined);
    if (known) return known;
    if (desc.status === 'RUNNING') {
      const progress = await this.temporal.queryTranscription(id);
      return { view: transcriptionStatusView({ id, status: desc.hasStartedActivity ? 'running' : 'queued', progress, desc }) };
    }
    if (desc.status === 'COMPLETED') {
      const progress = await this.temporal.result<TranscriptionProgress>(id);
      const read = { view: transcriptionStatusView({ id, status: 'completed', progress, desc }), files: progress.result?.files ?? {} };
      remember(this.completed, runKey, read);
      return read;
    }
    const outcome = await this.temporal.outcome(id);
    let view: TranscriptionStatusView;
    if (outcome.status === 'failed') {
      const details = (outcome.details ?? {}) as Partial<TranscriptionFailureDetails>;
      const error: TranscriptionError = { type: outcome.type, message: outcome.message, ...(details.stage ? { stage: details.stage } : {}) };
      view = transcriptionStatusView({ id, status: 'failed', progress: details.progress ?? (await this.temporal.queryTranscription(id)), error, desc });
    } else {
      view = transcriptionStatusView({ id, status: outcome.status === 'cancelled' ? 'cancelled' : 'completed', progress: await this.temporal.queryTranscription(id), desc });
    }
    remember(this.ended, runKey, view);
    return { view };
  }

  /** The status for a stream: each read bounded by its own Temporal deadline. */
  getForStream(id: string): Promise<TranscriptionStatusView> {
    return this.temporal.withDeadline(() => this.get(id));
  }

  async list(query: unknown) {
    const q = validate(TranscriptionListQuerySchema, query, 'query');
    const page = await this.temporal.listTranscriptions({ status: q.status }, q.limit, q.cursor ? decodeCursor(q.cursor) : undefined);
    const items = page.runs.map((r) => ({
      id: r.id,
      status: r.status,
      createdAt: r.startTime?.toISOString(),
      updatedAt: (r.closeTime ?? r.startTime)?.toISOString(),
      links: links(r.id),
    }));
    return { items, nextCursor: encodeCursor(page.nextPageToken) };
  }

  async cancel(id: string): Promise<{ id: string; status: RunStatus }> {
    assertTranscriptionId(id);
    const desc = await this.temporal.describe('transcription', id);
    if (desc.status !== 'RUNNING') {
      throw new ConflictError(`transcription ${id} is already ${desc.status.toLowerCase()}; only running transcriptions can be cancelled`);
    }
    await this.temporal.cancel(id);
    return { id, status: 'running' };
  }

  /** Absolute path of one of a completed transcription's files. */
  async file(id: string, file: TranscriptionFile): Promise<string> {
    const { view: status, files } = await this.read(id);
    if (status.status !== 'completed') throw new ConflictError(`transcription ${id} is ${status.status}; its files exist once it is completed`);
    const stored = files?.[file];
    if (!stored) {
      const what = file === 'video' ? 'a burned-in video (burnIn.enabled)' : `the ${file} format`;
      throw new NotFoundError(`transcription ${id} has no ${what}: it was not asked for`);
    }
    const path = resolve(this.config.dataDir, stored);
    if (!path.startsWith(this.config.dataDir + sep) || !existsSync(path)) {
      throw new NotFoundError(`the ${file} file of transcription ${id} is no longer in the artifact store`);
    }
    return path;
  }
}

/** A transcription's status as read, with (completed) its files' paths in the artifact store. */
interface TranscriptionRead {
  view: TranscriptionStatusView;
  files?: Partial<Record<TranscriptionFile, string>>;
}

function unprocessable(field: string, message: string): ApiError {
  return new UnprocessableError(`${field}: ${message}`, [{ field, message }]);
}

export function links(id: string) {
  const self = transcriptionSelfUrl(id);
  return { self, events: `${self}/events` };
}
