import { z } from 'zod';
import type { TranscriptionStatusView } from './transcription-status';
import type { VideoStatusView } from './video-status';

/**
 * Response shapes of the REST contract as zod schemas, so the OpenAPI document describes answers from
 * the same source as the TypeScript types (the compile-time checks below fail if the two drift apart).
 */
const RunStatusSchema = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);
const StepStatusSchema = z.enum(['pending', 'running', 'completed', 'failed', 'cancelled']);
const StageSchema = z.enum(['script', 'tts', 'render', 'done']);

export const VideoLinksSchema = z.strictObject({ self: z.string(), file: z.string(), events: z.string() });

export const CreatedVideoSchema = z.strictObject({ id: z.string(), status: RunStatusSchema, links: VideoLinksSchema });

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
    }),
  }),
  cacheHit: z.boolean(),
  error: VideoErrorSchema.optional(),
  result: z
    .strictObject({ file: z.string(), durationSeconds: z.number(), width: z.number().int(), height: z.number().int(), bytes: z.number().int() })
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

// Compile-time: the schema's output and the hand-written view are the same type, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameStatus: Same<z.output<typeof VideoStatusSchema>, VideoStatusView> = true;
void sameStatus;
const sameTranscription: Same<z.output<typeof TranscriptionStatusSchema>, TranscriptionStatusView> = true;
void sameTranscription;
