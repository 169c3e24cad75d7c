import { Inject, Injectable } from '@nestjs/common';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { VidflowConfig } from '@vidflow/config';
import { BatchRequestSchema, TranscriptionRequestSchema, VideoRequestSchema, type RunStatus } from '@vidflow/contracts';
import { z } from 'zod';
import { BatchPageQuerySchema } from '../batches/batches.controller';
import { batchLinks, BatchesService } from '../batches/batches.service';
import { validate } from '../common/zod-validation';
import { requestSchema } from '../openapi/openapi-document';
import { TemporalGateway } from '../temporal/temporal-gateway';
import { links as transcriptionLinks, TranscriptionsService } from '../transcriptions/transcriptions.service';
import { CONFIG } from '../tokens';
import { ListQuerySchema, VideoListService } from '../videos/video-list.service';
import { links as videoLinks, VideosService } from '../videos/videos.service';
import { followStatus } from './follow-status';
import { toolError, toolResult } from './mcp-errors';

/** How long a `wait: true` call follows its job unless it says otherwise, and the most it may ask for. */
export const DEFAULT_WAIT_SECONDS = 300;
export const MAX_WAIT_SECONDS = 900;

const WaitSchema = z.strictObject({
  wait: z.boolean().default(false).describe('Follow the job until it is completed, failed or cancelled (progress notifications when a progressToken is sent)'),
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(MAX_WAIT_SECONDS)
    .default(DEFAULT_WAIT_SECONDS)
    .describe(`With wait: the longest wait; the status so far is answered then (at most ${MAX_WAIT_SECONDS})`),
});
const VideoIdSchema = z.strictObject({ id: z.string().describe('The video id (vid-...)') });
const BatchIdSchema = z.strictObject({ id: z.string().describe('The batch id (bat-...)') });
const TranscriptionIdSchema = z.strictObject({ id: z.string().describe('The transcription id (trn-...)') });

/** What a tool call knows of its MCP request. */
export interface ToolContext {
  /** Aborted when the client cancels the request or its connection closes. */
  signal: AbortSignal;
  /** Reports a job's progress (0..1) when the client asked for progress notifications. */
  progress?: (fraction: number, message: string) => void;
}

interface ToolSpec {
  tool: Tool;
  run(args: Record<string, unknown>, ctx: ToolContext): Promise<CallToolResult>;
}

type JsonObjectSchema = Tool['inputSchema'];

/**
 * JSON Schema of a tool's arguments from the zod schemas that validate them (the REST API's own, through the
 * same conversion as the OpenAPI document). The REST document's "exactly one of" `oneOf` is left out: several
 * MCP clients refuse a top-level oneOf in a tool's input schema, and the zod schema says it on a bad call anyway.
 */
function inputSchema(...schemas: z.ZodType[]): JsonObjectSchema {
  const properties: Record<string, object> = {};
  const required: string[] = [];
  for (const schema of schemas) {
    const json = requestSchema(schema) as { properties?: Record<string, object>; required?: string[] };
    Object.assign(properties, json.properties);
    required.push(...(json.required ?? []));
  }
  return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: false };
}

/** Splits a call's arguments into the wait options and the rest (the request, validated by the service). */
function splitWait(args: Record<string, unknown>): { wait: z.output<typeof WaitSchema>; rest: Record<string, unknown> } {
  const { wait, timeoutSeconds, ...rest } = args;
  return { wait: validate(WaitSchema, { wait, timeoutSeconds }, 'arguments'), rest };
}

/** A resource's links as absolute URLs of this API (API_PUBLIC_URL): an agent can fetch them as they are. */
function absolute<L extends { [K in keyof L]: string | undefined }>(links: L, base: string): L {
  return Object.fromEntries(Object.entries<string | undefined>(links).map(([k, v]) => [k, v === undefined ? v : new URL(v, `${base}/`).toString()])) as L;
}

/** A batch's progress: the share of its items that have finished. */
function batchFraction(b: { total: number; completed: number; failed: number; cancelled: number }): number {
  return b.total ? (b.completed + b.failed + b.cancelled) / b.total : 0;
}

/**
 * The MCP tools: each validates with the REST API's zod schemas and calls the service its REST route calls
 * (no HTTP inside the API). Results are the status object with its links; `wait: true` follows the job to its
 * end through the status watchers of the event streams, bounded by timeoutSeconds.
 */
@Injectable()
export class McpTools {
  private readonly specs: Map<string, ToolSpec>;

  constructor(
    private readonly videos: VideosService,
    private readonly videoList: VideoListService,
    private readonly batches: BatchesService,
    private readonly transcriptions: TranscriptionsService,
    private readonly temporal: TemporalGateway,
    @Inject(CONFIG) private readonly config: VidflowConfig,
  ) {
    this.specs = new Map(this.build().map((s) => [s.tool.name, s]));
  }

  list(): Tool[] {
    return [...this.specs.values()].map((s) => s.tool);
  }

  has(name: string): boolean {
    return this.specs.has(name);
  }

  /** Runs a tool; every error becomes a tool error in the API's error envelope. */
  async call(name: string, args: Record<string, unknown> | undefined, ctx: ToolContext): Promise<CallToolResult> {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`unknown tool ${name}`);
    try {
      return await spec.run(args ?? {}, ctx);
    } catch (err) {
      return toolError(err, name);
    }
  }

  private build(): ToolSpec[] {
    const base = this.config.api.publicUrl;
    const deadline = <T>(fn: () => Promise<T>) => this.temporal.withDeadline(fn);
    const video = (s: { id: string; status: RunStatus }) => ({ ...s, links: absolute(videoLinks(s.id, s.status), base) });
    const batch = (s: { id: string }) => ({ ...s, links: absolute(batchLinks(s.id), base) });
    const transcription = (s: { id: string }) => ({ ...s, links: absolute(transcriptionLinks(s.id), base) });

    const followVideo = async (id: string, wait: z.output<typeof WaitSchema>, ctx: ToolContext) => {
      const read = () => this.videos.getForStream(id);
      const first = await read();
      if (!wait.wait) return toolResult(video(first));
      const { status, ended } = await followStatus({
        first,
        read,
        watch: this.videos.events.watch(id),
        timeoutMs: wait.timeoutSeconds * 1000,
        signal: ctx.signal,
        onStatus: (s) => ctx.progress?.(s.progress, `${s.status}: ${s.stage}`),
      });
      return toolResult(video(status), ended ? undefined : stillRunning('video', 'get_video', id, wait.timeoutSeconds));
    };
    const followBatch = async (id: string, page: { offset: number; limit: number }, wait: z.output<typeof WaitSchema>, ctx: ToolContext) => {
      const read = () => deadline(() => this.batches.get(id, page));
      const first = await read();
      if (!wait.wait) return toolResult(batch(first));
      const { status, ended } = await followStatus({
        first,
        read,
        timeoutMs: wait.timeoutSeconds * 1000,
        signal: ctx.signal,
        onStatus: (s) => ctx.progress?.(batchFraction(s), `${s.status}: ${s.completed + s.failed + s.cancelled} of ${s.total} done`),
      });
      return toolResult(batch(status), ended ? undefined : stillRunning('batch', 'get_batch', id, wait.timeoutSeconds));
    };
    const followTranscription = async (id: string, wait: z.output<typeof WaitSchema>, ctx: ToolContext) => {
      const read = () => this.transcriptions.getForStream(id);
      const first = await read();
      if (!wait.wait) return toolResult(transcription(first));
      const { status, ended } = await followStatus({
        first,
        read,
        timeoutMs: wait.timeoutSeconds * 1000,
        signal: ctx.signal,
        onStatus: (s) => ctx.progress?.(s.progress, `${s.status}: ${s.stage}`),
      });
      return toolResult(transcription(status), ended ? undefined : stillRunning('transcription', 'get_transcription', id, wait.timeoutSeconds));
    };

    return [
      {
        tool: {
          name: 'create_video',
          title: 'Create a video',
          description:
            'Submit a short video: exactly one of topic (a script is written for it), script (narrated as given) or scenes. ' +
            'Everything else (voice, render, captions, music, background) has defaults. Answers the video id, status and links ' +
            '(links.file is the MP4 once completed); wait: true follows it to the end.',
          inputSchema: inputSchema(VideoRequestSchema, WaitSchema),
        },
        run: async (args, ctx) => {
          const { wait, rest } = splitWait(args);
          const created = await deadline(() => this.videos.create(rest));
          return wait.wait ? followVideo(created.id, wait, ctx) : toolResult(video(created));
        },
      },
      {
        tool: {
          name: 'get_video',
          title: 'Get a video',
          description: "A video's status: stage, progress, per-stage details, result (the MP4's link once completed); wait: true follows it to the end.",
          inputSchema: inputSchema(VideoIdSchema, WaitSchema),
        },
        run: (args, ctx) => {
          const { wait, rest } = splitWait(args);
          return followVideo(validate(VideoIdSchema, rest, 'arguments').id, wait, ctx);
        },
      },
      {
        tool: {
          name: 'list_videos',
          title: 'List videos',
          description: 'Videos, newest first, optionally filtered by status or batchId; pass nextCursor as cursor for the next page.',
          inputSchema: inputSchema(ListQuerySchema),
        },
        run: async (args) => {
          const page = await deadline(() => this.videoList.list(args));
          return toolResult({ ...page, items: page.items.map((i) => ({ ...i, links: absolute(i.links, base) })) });
        },
      },
      {
        tool: {
          name: 'cancel_video',
          title: 'Cancel a video',
          description: 'Cancel a running video (its render stops). Answers at once; get_video with wait: true shows it cancelled.',
          inputSchema: inputSchema(VideoIdSchema),
          annotations: { destructiveHint: true, idempotentHint: true },
        },
        run: async (args) => {
          const { id } = validate(VideoIdSchema, args, 'arguments');
          return toolResult(video(await deadline(() => this.videos.cancel(id))));
        },
      },
      {
        tool: {
          name: 'create_batch',
          title: 'Create a batch of videos',
          description:
            'Submit many videos at once: items (each a video request, merged over defaults), at most maxConcurrent running at a time. wait: true follows the batch to the end.',
          inputSchema: inputSchema(BatchRequestSchema, WaitSchema),
        },
        run: async (args, ctx) => {
          const { wait, rest } = splitWait(args);
          const created = await deadline(() => this.batches.create(rest));
          return wait.wait ? followBatch(created.id, BatchPageQuerySchema.parse({}), wait, ctx) : toolResult(batch(created));
        },
      },
      {
        tool: {
          name: 'get_batch',
          title: 'Get a batch',
          description: "A batch's counts and its items' status (items paginated with offset and limit); wait: true follows it to the end.",
          inputSchema: inputSchema(BatchIdSchema, BatchPageQuerySchema, WaitSchema),
        },
        run: (args, ctx) => {
          const { wait, rest } = splitWait(args);
          const { id, ...page } = validate(BatchIdSchema.extend(BatchPageQuerySchema.shape), rest, 'arguments');
          return followBatch(id, page, wait, ctx);
        },
      },
      {
        tool: {
          name: 'transcribe',
          title: 'Transcribe audio or video',
          description:
            'Subtitles (SRT, WebVTT, JSON, text) of an upload, a video of this server or an http(s) URL, optionally burned into an MP4. wait: true follows it to the end.',
          inputSchema: inputSchema(TranscriptionRequestSchema, WaitSchema),
        },
        run: async (args, ctx) => {
          const { wait, rest } = splitWait(args);
          const created = await deadline(() => this.transcriptions.create(rest));
          return wait.wait ? followTranscription(created.id, wait, ctx) : toolResult(transcription(created));
        },
      },
      {
        tool: {
          name: 'get_transcription',
          title: 'Get a transcription',
          description: "A transcription's status: stage, progress, chunks done and, once completed, its files; wait: true follows it to the end.",
          inputSchema: inputSchema(TranscriptionIdSchema, WaitSchema),
        },
        run: (args, ctx) => {
          const { wait, rest } = splitWait(args);
          return followTranscription(validate(TranscriptionIdSchema, rest, 'arguments').id, wait, ctx);
        },
      },
    ];
  }
}

function stillRunning(what: string, tool: string, id: string, seconds: number): string {
  return `The ${what} has not finished after ${seconds}s: call ${tool} with id ${id} (and wait: true) to follow it further.`;
}
