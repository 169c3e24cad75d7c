import { z } from 'zod';
import type { TranscriptionStatusView } from './transcription-status';
import { BatchRequestSchema } from './batch';
import type { BatchStatusView } from './batch-progress';
import type { ScheduleView } from './schedule';
import type { VideoStatusView } from './video-status';

/**
 * Response shapes of the REST contract as zod schemas, so the OpenAPI document describes answers from
 * the same source as the TypeScript types (the compile-time checks below fail if the two drift apart).
 */
const RunStatusSchema = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);
const StepStatusSchema = z.enum(['pending', 'running', 'completed', 'failed', 'cancelled']);
const StageSchema = z.enum(['script', 'tts', 'render', 'done']);

export const VideoLinksSchema = z.strictObject({
  self: z.string(),
  file: z.string(),
  events: z.string(),
  /** A completed video's poster frame (JPEG; 404 when it has none). */
  thumbnail: z.string().optional(),
});

export const CreatedVideoSchema = z.strictObject({ id: z.string(), status: RunStatusSchema, links: VideoLinksSchema });

/** A completion webhook's delivery (API.md "Webhooks"). */
export const WebhookStateSchema = z.strictObject({
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().optional(),
  deliveredAt: z.string().optional(),
});

/** `POST /api/webhooks/test`: what the signed ping's one attempt found. */
export const WebhookTestSchema = z.strictObject({ webhookId: z.string(), url: z.string(), webhook: WebhookStateSchema });

export const VideoErrorSchema = z.strictObject({ type: z.string(), message: z.string(), stage: StageSchema.optional() });

export const VideoStatusSchema = z.strictObject({
  id: z.string(),
  status: RunStatusSchema,
  stage: StageSchema,
  progress: z.number().min(0).max(1),
  stages: z.strictObject({
    script: z.strictObject({ status: StepStatusSchema, cacheHit: z.boolean(), seconds: z.number().optional(), provider: z.string().optional() }),
    tts: z.strictObject({
      status: StepStatusSchema,
      done: z.number().int(),
      total: z.number().int(),
      cacheHits: z.number().int(),
      seconds: z.number().optional(),
      audioSeconds: z.number().optional(),
    }),
    render: z.strictObject({
      status: StepStatusSchema,
      progress: z.number().min(0).max(1),
      attempt: z.number().int(),
      cacheHit: z.boolean(),
      seconds: z.number().optional(),
      encoder: z.string().optional(),
    }),
  }),
  cacheHit: z.boolean(),
  error: VideoErrorSchema.optional(),
  scenes: z
    .array(
      z.strictObject({
        index: z.number().int(),
        wordTimes: z.enum(['provider', 'alignment', 'estimate']).optional(),
        /** With `visuals`: the stock clip the scene showed (with its attribution), the image generated for it, or `background` and why. */
        visual: z
          .union([
            z.strictObject({ source: z.enum(['pexels', 'pixabay']), url: z.string(), query: z.string(), author: z.string(), pageUrl: z.string(), licence: z.string() }),
            z.strictObject({ source: z.literal('openai-images'), model: z.string(), prompt: z.string(), revisedPrompt: z.string().optional() }),
            z.strictObject({ source: z.literal('background'), reason: z.string() }),
          ])
          .optional(),
      }),
    )
    .optional(),
  webhook: WebhookStateSchema.optional(),
  result: z
    .strictObject({
      file: z.string(),
      /** The poster frame (JPEG): the Studio's thumbnail and the player's poster; 404 when the video has none. */
      thumbnail: z.string().optional(),
      durationSeconds: z.number(),
      width: z.number().int(),
      height: z.number().int(),
      bytes: z.number().int(),
    })
    .optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const VideoListSchema = z.strictObject({
  items: z.array(
    z.strictObject({
      id: z.string(),
      status: RunStatusSchema,
      stage: z.string().optional(),
      batchId: z.string().optional(),
      createdAt: z.string().optional(),
      updatedAt: z.string().optional(),
      links: VideoLinksSchema,
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const CancelAcceptedSchema = z.strictObject({ id: z.string(), status: RunStatusSchema });

const TranscriptionStageSchema = z.enum(['probe', 'extract', 'split', 'transcribe', 'merge', 'burn', 'done']);
const TranscriptionLinksSchema = z.strictObject({ self: z.string(), events: z.string() });

export const CreatedTranscriptionSchema = z.strictObject({ id: z.string(), status: RunStatusSchema, links: TranscriptionLinksSchema });

export const TranscriptionStatusSchema = z.strictObject({
  id: z.string(),
  status: RunStatusSchema,
  stage: TranscriptionStageSchema,
  progress: z.number().min(0).max(1),
  chunks: z.strictObject({ done: z.number().int(), total: z.number().int(), cacheHits: z.number().int() }),
  result: z
    .strictObject({
      language: z.string(),
      durationSeconds: z.number(),
      engine: z.string(),
      /** URLs of the files, one per requested format, and `video` for the burned-in MP4. */
      files: z.strictObject({
        srt: z.string().optional(),
        vtt: z.string().optional(),
        json: z.string().optional(),
        txt: z.string().optional(),
        video: z.string().optional(),
      }),
    })
    .optional(),
  error: z.strictObject({ type: z.string(), message: z.string(), stage: TranscriptionStageSchema.optional() }).optional(),
  webhook: WebhookStateSchema.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const TranscriptionListSchema = z.strictObject({
  items: z.array(
    z.strictObject({
      id: z.string(),
      status: RunStatusSchema,
      createdAt: z.string().optional(),
      updatedAt: z.string().optional(),
      links: TranscriptionLinksSchema,
    }),
  ),
  nextCursor: z.string().nullable(),
});

const TaskQueueLoadSchema = z.strictObject({ pollers: z.number().int(), backlog: z.number().int(), backlogAgeSeconds: z.number() });

/** `GET /api/system`. */
export const SystemSchema = z.strictObject({
  version: z.string(),
  node: z.string(),
  machine: z.strictObject({
    cores: z.number().int(),
    memoryBytes: z.number().int(),
    freeMemoryBytes: z.number().int(),
    /** 1, 5 and 15 minute load averages. */
    load: z.tuple([z.number(), z.number(), z.number()]),
  }),
  /** The API process that answered. */
  api: z.strictObject({ pid: z.number().int(), rssBytes: z.number().int(), heapUsedBytes: z.number().int(), uptimeSeconds: z.number().int() }),
  /** By task-queue name; null when Temporal did not answer (temporal.error says why). */
  taskQueues: z
    .record(
      z.string(),
      z.strictObject({
        /** What the queue is configured for: io, render, llm, stt. */
        roles: z.array(z.string()),
        /** Distinct workers polling it (workflow or activity side). */
        pollers: z.number().int(),
        backlog: z.number().int(),
        backlogAgeSeconds: z.number(),
        workflow: TaskQueueLoadSchema,
        activity: TaskQueueLoadSchema,
      }),
    )
    .nullable(),
  /** The worker tuner settings of this deployment's configuration (what workers started with the same settings use). */
  tuner: z.strictObject({
    kind: z.enum(['fixed', 'resource-based']),
    targetCpuUsage: z.number(),
    targetMemoryUsage: z.number(),
    slots: z.strictObject({ io: z.number().int(), render: z.number().int(), stt: z.number().int(), workflow: z.number().int() }),
  }),
  limits: z.strictObject({
    uploadMaxBytes: z.number().int(),
    uploadExpirySeconds: z.number().int(),
    uploadChunkBytes: z.number().int(),
    maxChunkSeconds: z.strictObject({ min: z.number().int(), max: z.number().int(), default: z.number().int() }),
    chunkParallelism: z.number().int(),
    mediaDownloadMaxBytes: z.number().int(),
  }),
  temporal: z.strictObject({
    address: z.string(),
    namespace: z.string(),
    uiUrl: z.string(),
    reachable: z.boolean(),
    serverVersion: z.string().optional(),
    error: z.string().optional(),
  }),
});
export type SystemView = z.output<typeof SystemSchema>;
export const BatchLinksSchema = z.strictObject({ self: z.string(), retry: z.string() });

export const CreatedBatchSchema = z.strictObject({ id: z.string(), status: RunStatusSchema, total: z.number().int(), links: BatchLinksSchema });

export const BatchRetryAcceptedSchema = z.strictObject({
  id: z.string(),
  status: RunStatusSchema,
  /** How many failed items run again. */
  retrying: z.number().int(),
  links: BatchLinksSchema,
});

export const BatchStatusSchema = z.strictObject({
  id: z.string(),
  status: RunStatusSchema,
  total: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  running: z.number().int(),
  queued: z.number().int(),
  cacheHits: z.number().int(),
  items: z.array(z.strictObject({ index: z.number().int(), videoId: z.string(), status: RunStatusSchema, error: VideoErrorSchema.optional() })),
  offset: z.number().int(),
  limit: z.number().int(),
  webhook: WebhookStateSchema.optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});

export const ScheduleSchema = z.strictObject({
  id: z.string(),
  spec: z.strictObject({ cron: z.array(z.string()).optional(), intervalSeconds: z.array(z.number().int()).optional(), timezone: z.string() }),
  paused: z.boolean(),
  overlap: z.enum(['skip', 'buffer_one', 'allow_all']),
  /** The batch each run starts, with its defaults applied. */
  batch: BatchRequestSchema.optional(),
  nextRuns: z.array(z.string()),
  recentRuns: z.array(z.strictObject({ batchId: z.string(), scheduledAt: z.string(), startedAt: z.string() })),
});

export const ScheduleListSchema = z.strictObject({ items: z.array(ScheduleSchema) });

/** The artifact cache's stages (libs/cache CACHE_STAGES; the API checks at compile time that the two agree). */
export const CACHE_STAGE_NAMES = ['script', 'tts', 'render', 'pipeline', 'stt', 'image'] as const;
const StageTotalsSchema = z.strictObject({ entries: z.number().int(), bytes: z.number().int(), hits: z.number().int(), misses: z.number().int() });

export const CacheStatsSchema = z.strictObject({
  entries: z.number().int(),
  bytes: z.number().int(),
  maxBytes: z.number().int(),
  hits: z.number().int(),
  misses: z.number().int(),
  hitRate: z.number().min(0).max(1),
  byStage: z.strictObject(Object.fromEntries(CACHE_STAGE_NAMES.map((s) => [s, StageTotalsSchema])) as Record<(typeof CACHE_STAGE_NAMES)[number], typeof StageTotalsSchema>),
});

export const CacheCleanupSchema = z.strictObject({ removed: z.number().int(), bytesFreed: z.number().int() });

export const CacheEntryRemovedSchema = z.strictObject({ removed: z.number().int() });

/** One health indicator's report: `up` or `down`, with what it checked. */
const HealthIndicatorsSchema = z.record(z.string(), z.looseObject({ status: z.enum(['up', 'down']) }));

/** `/health/live` and `/health/ready` (the shape @nestjs/terminus answers, 200 and 503 alike). */
export const HealthSchema = z.strictObject({
  status: z.enum(['ok', 'error', 'shutting_down']),
  info: HealthIndicatorsSchema.optional(),
  error: HealthIndicatorsSchema.optional(),
  details: HealthIndicatorsSchema,
});

export const StudioConfigSchema = z.strictObject({ temporalUiUrl: z.string(), temporalNamespace: z.string() });

// Compile-time: the schema's output and the hand-written view are the same type, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameStatus: Same<z.output<typeof VideoStatusSchema>, VideoStatusView> = true;
const sameBatch: Same<z.output<typeof BatchStatusSchema>, BatchStatusView> = true;
const sameSchedule: Same<z.output<typeof ScheduleSchema>, ScheduleView> = true;
void sameStatus;
const sameTranscription: Same<z.output<typeof TranscriptionStatusSchema>, TranscriptionStatusView> = true;
void sameTranscription;
void sameBatch;
void sameSchedule;

/** A media-library item (POST/GET /api/media). */
export const MediaItemSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['image', 'video', 'audio']),
  bytes: z.number().int(),
  sha256: z.string(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  durationSeconds: z.number().optional(),
  createdAt: z.string(),
  links: z.strictObject({ self: z.string(), file: z.string() }),
});

export const MediaListSchema = z.strictObject({ items: z.array(MediaItemSchema), nextCursor: z.string().nullable() });

export const MediaDeletedSchema = z.strictObject({ id: z.string(), deleted: z.literal(true) });
