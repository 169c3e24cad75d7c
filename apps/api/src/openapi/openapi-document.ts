import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { VidflowConfig } from '@vidflow/config';
import {
  BatchRequestSchema,
  BatchRetryAcceptedSchema,
  BatchStatusSchema,
  CacheCleanupSchema,
  CacheEntryRemovedSchema,
  CacheStatsSchema,
  CancelAcceptedSchema,
  CreatedBatchSchema,
  CreatedTranscriptionSchema,
  CreatedVideoSchema,
  HealthSchema,
  MediaDeletedSchema,
  MediaItemSchema,
  MediaListSchema,
  ScheduleListSchema,
  ScheduleRequestSchema,
  ScheduleSchema,
  StudioConfigSchema,
  SystemSchema,
  VoiceCatalogSchema,
  TranscriptionListSchema,
  TranscriptionRequestSchema,
  WebhookTestRequestSchema,
  WebhookTestSchema,
  TranscriptionStatusSchema,
  VideoListSchema,
  VideoRequestSchema,
  VideoStatusSchema,
} from '@vidflow/contracts';
import { z } from 'zod';
import { BatchPageQuerySchema } from '../batches/batches.controller';
import { TranscriptionListQuerySchema } from '../transcriptions/transcriptions.service';
import { MEDIA_FILE_CONTENT_TYPES, MediaListQuerySchema } from '../media/media.service';
import { CacheStageQuerySchema } from '../cache/cache.service';
import { ListQuerySchema } from '../videos/video-list.service';
import { isKeyedPath } from '../common/api-key.middleware';

type Schema = Record<string, unknown>;
type Operation = {
  summary?: string;
  parameters?: Array<Record<string, unknown>>;
  responses?: Record<string, unknown>;
  security?: unknown[];
  requestBody?: unknown;
};

/** JSON Schema of what a client sends: `io: 'input'`, so fields with defaults are optional. */
export function requestSchema(schema: z.ZodType): Schema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Schema;
  delete json.$schema;
  return json;
}

/** JSON Schema of an answer (`io: 'output'`: what the server sends). */
function responseSchema(schema: z.ZodType): Schema {
  const json = z.toJSONSchema(schema, { io: 'output', target: 'draft-2020-12' }) as Schema;
  delete json.$schema;
  return json;
}

/**
 * zod's superRefine rules are code, not JSON Schema; the two "exactly one of" rules are added as `oneOf`,
 * so a validator (and a generated client) refuses `{}` and `{ topic, script }` as the API does.
 */
function exactlyOneOf(schema: Schema, fields: string[]): Schema {
  return { ...schema, oneOf: fields.map((f) => ({ required: [f] })) };
}

/** Query parameters from the zod schema that validates them: the names, types, bounds and defaults the handler applies. */
function queryParameters(schema: z.ZodObject, descriptions: Record<string, string>): Array<Record<string, unknown>> {
  const json = requestSchema(schema) as { properties: Record<string, Schema>; required?: string[] };
  return Object.entries(json.properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    description: descriptions[name] ?? name,
    schema: property,
  }));
}

const ERROR_ENVELOPE: Schema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', examples: ['VALIDATION_FAILED'] },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
        },
        requestId: { type: 'string' },
      },
    },
  },
};

const ref = (kind: 'schemas' | 'headers' | 'responses' | 'parameters', name: string) => ({ $ref: `#/components/${kind}/${name}` });
const json = (schema: string) => ({ 'application/json': { schema: ref('schemas', schema) } });

const HEADERS: Record<string, Schema> = {
  'X-Request-Id': { description: "The request id (the client's own X-Request-Id when it sent a valid one)", schema: { type: 'string' } },
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } },
  'Cache-Control': {
    description: 'no-cache (revalidate with the ETag), private, max-age=3600 for a completed video, no-store for errors and writes',
    schema: { type: 'string' },
  },
  ETag: { description: 'Validator for If-None-Match (weak for JSON; strong, a content hash, for files)', schema: { type: 'string' } },
  Location: { description: 'Where the new resource is read', schema: { type: 'string' } },
  'Last-Modified': { description: 'When the file was written', schema: { type: 'string' } },
  'Accept-Ranges': { description: 'Byte ranges are served', schema: { type: 'string', enum: ['bytes'] } },
  'Content-Range': { description: '`bytes <start>-<end>/<size>` (206) or `bytes */<size>` (416)', schema: { type: 'string' } },
  'Content-Length': { description: 'Bytes in this answer', schema: { type: 'integer', minimum: 0 } },
  'Tus-Resumable': { description: 'tus protocol version of the answer', schema: { type: 'string', enum: ['1.0.0'] } },
  'Tus-Version': { description: 'tus versions the server speaks', schema: { type: 'string' } },
  'Tus-Extension': { description: 'tus extensions the server supports', schema: { type: 'string' } },
  'Tus-Max-Size': { description: 'Largest upload in bytes (UPLOAD_MAX_BYTES)', schema: { type: 'integer' } },
  'Tus-Checksum-Algorithm': { description: 'Checksum algorithms for Upload-Checksum', schema: { type: 'string' } },
  'Upload-Offset': { description: 'Bytes of the upload the server has', schema: { type: 'integer', minimum: 0 } },
  'Upload-Length': { description: 'Size of the whole upload in bytes', schema: { type: 'integer', minimum: 0 } },
  'Upload-Expires': { description: 'When an unfinished upload is removed (RFC 9110 date)', schema: { type: 'string' } },
};
const headers = (...names: string[]) => Object.fromEntries(['X-Request-Id', ...names].map((n) => [n, ref('headers', n)]));

/** Error answers, shared by the routes (components/responses); each is the error envelope. */
const ERRORS: Record<string, { name: string; description: string; headers?: string[] }> = {
  '400': { name: 'BadRequest', description: 'Bad parameters or body; `details` names every bad field' },
  '401': { name: 'Unauthorized', description: 'Missing or invalid API key (when API_KEYS is set)' },
  '404': { name: 'NotFound', description: 'No such resource' },
  '409': { name: 'Conflict', description: "Conflict with the resource's state (or an Idempotency-Key used with another body)" },
  '413': { name: 'PayloadTooLarge', description: 'Body too large (1 MiB; 16 MiB for batches and schedules)' },
  '415': { name: 'UnsupportedMediaType', description: 'A body in an unsupported charset or encoding' },
  '422': { name: 'Unprocessable', description: 'Well-formed but impossible here (a provider or media this server does not have)' },
  '429': { name: 'RateLimited', description: 'Rate limited', headers: ['Retry-After'] },
  '500': { name: 'InternalError', description: 'Unexpected failure (logged with the request id)' },
  '503': { name: 'Unavailable', description: 'Temporal is unreachable', headers: ['Retry-After'] },
};
/** Answers every /api route can give before or around its handler (auth, limits, Temporal down, a bug). */
const API_ERRORS = ['400', '401', '429', '500', '503'];
/** Answers of a route that reads a JSON body. */
const BODY_ERRORS = ['413', '415'];

type Success =
  | { status: string; description: string; schema: string; headers?: string[] }
  | { status: string; description: string; content: Record<string, unknown>; headers?: string[] }
  | { status: string; description: string; empty: true; headers?: string[] };

/** An error answer of one route whose body is not the error envelope (the tus server answers in plain text). */
interface OwnError {
  description: string;
  content?: Record<string, unknown>;
  headers?: string[];
}

interface RouteDoc {
  /** For routes whose controller has no @ApiOperation. */
  summary?: string;
  success: Success[];
  /** Errors beyond API_ERRORS (a route with a path parameter gets 404 too). */
  errors?: string[];
  /** Errors in the route's own shape; they replace the envelope's for the same status. */
  ownErrors?: Record<string, OwnError>;
  body?: string;
  /** A body that is not one JSON schema (POST /api/media: multipart or JSON); `body` then only marks that there is one. */
  bodyContent?: Record<string, unknown>;
  idempotent?: boolean;
  parameters?: Array<Record<string, unknown>>;
  /** Outside /api: no key, no rate limit, no Temporal deadline. */
  open?: boolean;
}

const TUS_RESUMABLE = { name: 'Tus-Resumable', in: 'header', required: true, description: 'tus protocol version: 1.0.0', schema: { type: 'string', enum: ['1.0.0'] } };
// The tus handlers take the request whole, so Nest does not see the path parameter: declared here.
const UPLOAD_ID = { name: 'id', in: 'path', required: true, description: 'The upload id (from Location)', schema: { type: 'string' } };
const UPLOAD_CHECKSUM = { name: 'Upload-Checksum', in: 'header', required: false, description: '`sha256 <base64 digest>` (or sha1) of this request\'s body', schema: { type: 'string' } };
const NOT_MODIFIED: Success = { status: '304', description: 'Not modified: If-None-Match names the current ETag', empty: true, headers: ['ETag', 'Cache-Control'] };
const READ = ['ETag', 'Cache-Control'];
const ifNoneMatch = ref('parameters', 'If-None-Match');
const TEXT = (type: string) => ({ [type]: { schema: { type: 'string' } } });
/** What the tus server (@tus/server, apps/api/src/uploads) answers when it refuses: a line of text. */
const tusError = (description: string): OwnError => ({ description, content: TEXT('text/plain'), headers: ['Tus-Resumable'] });

/** A JSON-RPC 2.0 message (or a batch of them), as MCP sends them; the MCP specification defines the methods. */
const MCP_MESSAGE: Schema = {
  description: 'A JSON-RPC 2.0 message of the Model Context Protocol (initialize, tools/list, tools/call, notifications, ...)',
  oneOf: [
    { type: 'object', required: ['jsonrpc'], properties: { jsonrpc: { const: '2.0' }, id: { type: ['string', 'integer', 'null'] }, method: { type: 'string' } } },
    { type: 'array', items: { type: 'object', required: ['jsonrpc'], properties: { jsonrpc: { const: '2.0' } } } },
  ],
};
const MCP_CONTENT = { 'text/event-stream': { schema: { type: 'string' } }, 'application/json': { schema: ref('schemas', 'McpMessage') } };

const MEDIA_FILE_CONTENT = Object.fromEntries(MEDIA_FILE_CONTENT_TYPES.map((t) => [t, { schema: { type: 'string', format: 'binary' } }]));

/**
 * What each route answers, by `method path` as the document names them: the success statuses with their
 * zod response schema, headers and route-specific errors. openapi-document.spec.ts checks that every route
 * of the document is here, and test/openapi-responses.e2e.ts validates real answers of each against it.
 */
export const ROUTES: Record<string, RouteDoc> = {
  'post /api/videos': {
    success: [{ status: '202', description: 'Accepted; poll links.self', schema: 'CreatedVideo', headers: ['Location'] }],
    errors: ['409', '422'],
    body: 'VideoRequest',
    idempotent: true,
  },
  'get /api/videos': {
    success: [{ status: '200', description: 'Videos, newest first', schema: 'VideoList', headers: READ }, NOT_MODIFIED],
    parameters: [
      ...queryParameters(ListQuerySchema, {
        status: 'Only videos with this status',
        limit: 'Videos per page',
        cursor: 'nextCursor of the previous page',
        batchId: 'Only the videos of this batch',
      }),
      ifNoneMatch,
    ],
  },
  'get /api/videos/{id}': {
    success: [{ status: '200', description: 'The status object', schema: 'VideoStatus', headers: READ }, NOT_MODIFIED],
    parameters: [ifNoneMatch],
  },
  'delete /api/videos/{id}': {
    success: [
      { status: '202', description: 'Cancellation requested', schema: 'CancelAccepted' },
      { status: '204', description: 'purge=true: the finished video is deleted (its MP4, poster and run)', empty: true },
    ],
    errors: ['400', '409'],
    parameters: [
      {
        name: 'purge',
        in: 'query',
        required: false,
        description: 'true: delete a finished video instead of cancelling (409 while it runs)',
        schema: { type: 'string', enum: ['true', 'false'] },
      },
    ],
  },
  'get /api/videos/{id}/thumbnail': {
    success: [
      { status: '200', description: 'The poster frame (JPEG, 320 px wide)', content: { 'image/jpeg': { schema: { type: 'string', contentMediaType: 'image/jpeg' } } }, headers: ['Last-Modified', 'Cache-Control'] },
    ],
    errors: ['409'],
  },
  'get /api/videos/{id}/file': {
    success: [
      { status: '200', description: 'The whole MP4', content: { 'video/mp4': { schema: { type: 'string', contentMediaType: 'video/mp4' } } }, headers: ['ETag', 'Last-Modified', 'Accept-Ranges', 'Content-Length', 'Cache-Control'] },
      { status: '206', description: 'The requested byte range', content: { 'video/mp4': { schema: { type: 'string', contentMediaType: 'video/mp4' } } }, headers: ['Content-Range', 'ETag', 'Last-Modified', 'Accept-Ranges', 'Content-Length', 'Cache-Control'] },
      { status: '304', description: 'Not modified: If-None-Match names the file\'s ETag', empty: true, headers: ['ETag', 'Last-Modified', 'Accept-Ranges', 'Cache-Control'] },
      { status: '416', description: 'Range not satisfiable: it starts at or after the end of the file, or ends before it starts', empty: true, headers: ['Content-Range', 'ETag', 'Accept-Ranges'] },
    ],
    errors: ['409'],
    parameters: [
      { name: 'Range', in: 'header', required: false, description: 'One byte range (`bytes=0-99`, `bytes=100-`, `bytes=-500`); several ranges get the whole file', schema: { type: 'string' } },
      { name: 'If-Range', in: 'header', required: false, description: 'The range only while this strong ETag (or Last-Modified date) still holds; the whole file otherwise', schema: { type: 'string' } },
      ifNoneMatch,
    ],
  },
  'get /api/videos/{id}/events': {
    success: [
      { status: '200', description: 'Server-sent events: `id` (status version), `data` (the status object), `retry`, then `event: end`', content: TEXT('text/event-stream') },
      { status: '204', description: 'The video has finished and Last-Event-ID covers its last status: stop reconnecting', empty: true },
    ],
    parameters: [{ name: 'Last-Event-ID', in: 'header', required: false, description: 'The id of the last event seen: only newer statuses are sent', schema: { type: 'string' } }],
  },
  'post /api/batches': {
    success: [{ status: '202', description: 'Accepted; poll links.self', schema: 'CreatedBatch', headers: ['Location'] }],
    errors: ['409', '422'],
    body: 'BatchRequest',
    idempotent: true,
  },
  'get /api/batches/{id}': {
    success: [{ status: '200', description: 'Counts and the items of the page', schema: 'BatchStatus', headers: READ }, NOT_MODIFIED],
    parameters: [...queryParameters(BatchPageQuerySchema, { offset: 'First item of the page', limit: 'Items per page' }), ifNoneMatch],
  },
  'delete /api/batches/{id}': {
    success: [{ status: '202', description: 'Cancellation requested (the batch and its running videos)', schema: 'CancelAccepted' }],
    errors: ['409'],
  },
  'post /api/batches/{id}/retry': {
    success: [{ status: '202', description: 'The failed items run again under the same ids', schema: 'BatchRetryAccepted' }],
    errors: ['409'],
  },
  'post /api/schedules': {
    success: [{ status: '201', description: 'Created', schema: 'Schedule', headers: ['Location'] }],
    errors: ['409'],
    body: 'ScheduleRequest',
  },
  'get /api/schedules': {
    summary: 'Schedules with their next runs',
    success: [{ status: '200', description: 'The schedules', schema: 'ScheduleList', headers: READ }, NOT_MODIFIED],
    parameters: [ifNoneMatch],
  },
  'get /api/schedules/{id}': {
    summary: 'One schedule: spec, state, next runs and recent runs with their batch ids',
    success: [{ status: '200', description: 'The schedule', schema: 'Schedule', headers: READ }, NOT_MODIFIED],
    parameters: [ifNoneMatch],
  },
  'delete /api/schedules/{id}': {
    summary: 'Delete a schedule (running batches go on)',
    success: [{ status: '204', description: 'Deleted', empty: true }],
  },
  'post /api/schedules/{id}/pause': {
    summary: 'Pause a schedule',
    success: [{ status: '200', description: 'The paused schedule', schema: 'Schedule' }],
  },
  'post /api/schedules/{id}/unpause': {
    summary: 'Resume a paused schedule',
    success: [{ status: '200', description: 'The resumed schedule', schema: 'Schedule' }],
  },
  'post /api/schedules/{id}/trigger': {
    success: [{ status: '202', description: 'A run was started (the overlap policy applies)', schema: 'Schedule' }],
  },
  'get /api/cache/stats': {
    success: [{ status: '200', description: 'Totals and per stage', schema: 'CacheStats', headers: READ }, NOT_MODIFIED],
    parameters: [ifNoneMatch],
  },
  'delete /api/cache/entries/{key}': {
    success: [{ status: '200', description: 'The entry is gone', schema: 'CacheEntryRemoved' }],
  },
  'delete /api/cache': {
    success: [{ status: '200', description: 'What was removed', schema: 'CacheCleanup' }],
    parameters: queryParameters(CacheStageQuerySchema, { stage: 'The stage whose entries are removed' }),
  },
  'post /api/cache/cleanup': {
    success: [{ status: '200', description: 'What was removed', schema: 'CacheCleanup' }],
  },
  'get /api/studio/config': {
    success: [{ status: '200', description: 'The Studio settings', schema: 'StudioConfig', headers: READ }, NOT_MODIFIED],
    parameters: [ifNoneMatch],
  },
  'post /api/webhooks/test': {
    success: [{ status: '200', description: 'The ping was sent once; `webhook` says what the receiver answered', schema: 'WebhookTest' }],
    errors: ['422'],
    body: 'WebhookTestRequest',
  },
  'post /api/media': {
    success: [{ status: '201', description: 'Stored (or the same content stored before): the item', schema: 'MediaItem', headers: ['Location'] }],
    errors: ['415', '422'],
    body: 'MediaUpload',
    bodyContent: {
      'multipart/form-data': {
        schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'The media file (at most MEDIA_MAX_BYTES)' } } },
      },
      'application/json': {
        schema: { type: 'object', required: ['upload'], additionalProperties: false, properties: { upload: { type: 'string', description: 'The id of a finished tus upload (/api/uploads)' } } },
      },
    },
  },
  'get /api/media': {
    success: [{ status: '200', description: 'Items, newest first', schema: 'MediaList', headers: READ }, NOT_MODIFIED],
    parameters: [...queryParameters(MediaListQuerySchema, { kind: 'Only items of this kind', limit: 'Items per page', cursor: 'nextCursor of the previous page' }), ifNoneMatch],
  },
  'get /api/media/{id}': {
    success: [{ status: '200', description: 'The item', schema: 'MediaItem', headers: READ }, NOT_MODIFIED],
    parameters: [ifNoneMatch],
  },
  'delete /api/media/{id}': {
    success: [{ status: '200', description: 'Removed', schema: 'MediaDeleted' }],
  },
  'get /api/media/{id}/file': {
    success: [
      { status: '200', description: "The item's bytes, with the content type its sniffed format has", content: MEDIA_FILE_CONTENT, headers: ['ETag', 'Last-Modified', 'Accept-Ranges', 'Content-Length', 'Cache-Control'] },
      { status: '206', description: 'The requested byte range', content: MEDIA_FILE_CONTENT, headers: ['Content-Range', 'ETag', 'Accept-Ranges', 'Content-Length', 'Cache-Control'] },
      { status: '304', description: "Not modified: If-None-Match names the file's ETag", empty: true, headers: ['ETag', 'Cache-Control'] },
      { status: '416', description: 'Range not satisfiable', empty: true, headers: ['Content-Range'] },
    ],
    parameters: [{ name: 'Range', in: 'header', required: false, description: 'One byte range (`bytes=0-99`)', schema: { type: 'string' } }, ifNoneMatch],
  },
  'post /api/transcriptions': {
    success: [{ status: '202', description: 'Accepted; poll links.self', schema: 'CreatedTranscription', headers: ['Location'] }],
    errors: ['409', '422'],
    body: 'TranscriptionRequest',
    idempotent: true,
  },
  'get /api/transcriptions': {
    success: [{ status: '200', description: 'Transcriptions, newest first', schema: 'TranscriptionList', headers: READ }, NOT_MODIFIED],
    parameters: [
      ...queryParameters(TranscriptionListQuerySchema, { status: 'Only transcriptions with this status', limit: 'Per page', cursor: 'nextCursor of the previous page' }),
      ifNoneMatch,
    ],
  },
  'get /api/transcriptions/{id}': {
    success: [{ status: '200', description: 'The status object', schema: 'TranscriptionStatus', headers: READ }, NOT_MODIFIED],
    parameters: [ifNoneMatch],
  },
  'delete /api/transcriptions/{id}': {
    success: [{ status: '202', description: 'Cancellation requested', schema: 'CancelAccepted' }],
    errors: ['409'],
  },
  'get /api/transcriptions/{id}/events': {
    success: [
      { status: '200', description: 'Server-sent events: `id` (status version), `data` (the status object), `retry`, then `event: end`', content: TEXT('text/event-stream') },
      { status: '204', description: 'The transcription has finished and Last-Event-ID covers its last status: stop reconnecting', empty: true },
    ],
    parameters: [{ name: 'Last-Event-ID', in: 'header', required: false, description: 'The id of the last event seen: only newer statuses are sent', schema: { type: 'string' } }],
  },
  'get /api/transcriptions/{id}/file': {
    success: [
      { status: '200', description: 'The MP4 with the subtitles burned in', content: { 'video/mp4': { schema: { type: 'string', contentMediaType: 'video/mp4' } } }, headers: ['ETag', 'Last-Modified', 'Accept-Ranges', 'Content-Length', 'Cache-Control'] },
      { status: '206', description: 'The requested byte range', content: { 'video/mp4': { schema: { type: 'string', contentMediaType: 'video/mp4' } } }, headers: ['Content-Range', 'ETag', 'Accept-Ranges', 'Content-Length', 'Cache-Control'] },
      { status: '304', description: "Not modified: If-None-Match names the file's ETag", empty: true, headers: ['ETag', 'Cache-Control'] },
      { status: '416', description: 'Range not satisfiable', empty: true, headers: ['Content-Range'] },
    ],
    errors: ['409'],
    parameters: [
      { name: 'Range', in: 'header', required: false, description: 'One byte range (`bytes=0-99`)', schema: { type: 'string' } },
      ifNoneMatch,
    ],
  },
  'get /api/transcriptions/{id}/{name}': {
    success: [
      {
        status: '200',
        description: 'subtitles.srt (application/x-subrip), subtitles.vtt (text/vtt), subtitles.json or subtitles.txt',
        content: { ...TEXT('application/x-subrip'), ...TEXT('text/vtt'), ...TEXT('text/plain'), 'application/json': { schema: { type: 'object' } } },
        headers: ['ETag', 'Last-Modified', 'Accept-Ranges', 'Content-Length', 'Cache-Control'],
      },
      { status: '206', description: 'The requested byte range', content: TEXT('text/plain'), headers: ['Content-Range', 'ETag', 'Accept-Ranges', 'Content-Length', 'Cache-Control'] },
      { status: '304', description: "Not modified: If-None-Match names the file's ETag", empty: true, headers: ['ETag', 'Cache-Control'] },
      { status: '416', description: 'Range not satisfiable', empty: true, headers: ['Content-Range'] },
    ],
    errors: ['409'],
    parameters: [{ name: 'Range', in: 'header', required: false, description: 'One byte range', schema: { type: 'string' } }, ifNoneMatch],
  },
  'get /api/voices': {
    success: [{ status: '200', description: "Each speech provider's voices (ids for voice.name), as the workers published them at boot", schema: 'Voices' }],
  },
  'get /api/system': {
    success: [{ status: '200', description: 'Machine, task queues (pollers, backlog), tuner settings and limits', schema: 'System' }],
  },
  // tus 1.0.0 (tus.io/protocols/resumable-upload): the tus server answers its own protocol errors in text/plain,
  // not in the error envelope, so they are the route's own errors (ownErrors replace the envelope's).
  'options /api/uploads': {
    success: [{ status: '204', description: "The server's tus capabilities", empty: true, headers: ['Tus-Resumable', 'Tus-Version', 'Tus-Extension', 'Tus-Max-Size', 'Tus-Checksum-Algorithm'] }],
  },
  'post /api/uploads': {
    success: [
      { status: '201', description: 'Created; Location is the upload (with creation-with-upload, Upload-Offset says how much of the body was kept)', empty: true, headers: ['Location', 'Tus-Resumable', 'Upload-Expires'] },
    ],
    ownErrors: {
      '400': tusError('A missing or bad tus header (Upload-Length, Upload-Metadata, Upload-Checksum)'),
      '413': tusError('Upload-Length over UPLOAD_MAX_BYTES (nothing stored)'),
      '460': tusError('Checksum mismatch of a body sent with the creation: nothing of it was kept'),
    },
    parameters: [TUS_RESUMABLE, UPLOAD_CHECKSUM,
      { name: 'Upload-Length', in: 'header', required: true, description: 'Size of the whole file in bytes (at most UPLOAD_MAX_BYTES)', schema: { type: 'integer', minimum: 0 } },
      { name: 'Upload-Metadata', in: 'header', required: false, description: 'Comma-separated `key base64value` pairs, e.g. `filename <base64>`', schema: { type: 'string' } },
    ],
  },
  'head /api/uploads/{id}': {
    success: [
      { status: '200', description: 'How many bytes the server has and the whole size', empty: true, headers: ['Tus-Resumable', 'Upload-Offset', 'Upload-Length'] },
    ],
    // A HEAD answer has no body: the refusals are their status alone.
    ownErrors: { '404': { description: 'No such upload', headers: ['Tus-Resumable'] }, '410': { description: 'An unfinished upload past its expiry', headers: ['Tus-Resumable'] } },
    parameters: [UPLOAD_ID, TUS_RESUMABLE],
  },
  'patch /api/uploads/{id}': {
    success: [{ status: '204', description: 'Stored; Upload-Offset is the new offset', empty: true, headers: ['Tus-Resumable', 'Upload-Offset', 'Upload-Expires'] }],
    ownErrors: {
      '400': tusError('A missing or bad tus header (Upload-Offset, Upload-Checksum)'),
      '404': tusError('No such upload'),
      '409': tusError("Upload-Offset is not the server's offset: HEAD, then resume from its answer"),
      '410': tusError('An unfinished upload past its expiry'),
      '415': tusError('The chunk is not application/offset+octet-stream'),
      '460': tusError('Checksum mismatch: nothing of the chunk was kept'),
    },
    parameters: [UPLOAD_ID, TUS_RESUMABLE, UPLOAD_CHECKSUM,
      { name: 'Upload-Offset', in: 'header', required: true, description: 'Where the chunk starts: the offset HEAD answered', schema: { type: 'integer', minimum: 0 } },
    ],
  },
  'delete /api/uploads/{id}': {
    success: [{ status: '204', description: 'Removed (tus termination)', empty: true, headers: ['Tus-Resumable'] }],
    ownErrors: { '404': tusError('No such upload') },
    parameters: [UPLOAD_ID, TUS_RESUMABLE],
  },
  'post /mcp': {
    // JSON-RPC in and out (the MCP Streamable HTTP transport, stateless); API key and rate limit as on /api.
    success: [
      { status: '200', description: 'The JSON-RPC response: an SSE stream (progress notifications, then the result) or one JSON message', content: MCP_CONTENT },
      { status: '202', description: 'Accepted: the body held only notifications or responses', empty: true },
    ],
    body: 'McpMessage',
    bodyContent: { 'application/json': { schema: ref('schemas', 'McpMessage') } },
    ownErrors: {
      '400': { description: 'Malformed JSON (error envelope) or not a JSON-RPC message (a JSON-RPC error)', content: { 'application/json': { schema: {} } } },
      '406': { description: 'Accept names neither application/json nor text/event-stream (a JSON-RPC error)', content: { 'application/json': { schema: ref('schemas', 'McpMessage') } } },
    },
  },
  'get /health/live': {
    summary: 'Liveness: the process is up and serving HTTP',
    success: [{ status: '200', description: 'Alive', schema: 'Health' }],
    // Only while the process shuts down (terminus), with the report.
    errors: ['503:Health'],
    open: true,
  },
  'get /health/ready': {
    summary: 'Readiness: Temporal reachable, room on the artifact disk, ffmpeg installed',
    success: [{ status: '200', description: 'Ready: every check is up', schema: 'Health' }],
    // Terminus answers 503 with the same report, saying which check is down (not the error envelope, no Retry-After).
    errors: ['503:Health'],
    open: true,
  },
  'get /metrics': {
    success: [{ status: '200', description: 'Prometheus text exposition format', content: TEXT('text/plain') }],
    open: true,
  },
};

/**
 * The OpenAPI document: paths and summaries from the Nest controllers, request and response bodies from
 * the zod schemas of libs/contracts (the same ones that validate), and what decorators cannot say added
 * here from ROUTES: every success and error answer with its headers, query parameters from their zod
 * schemas, X-Request-Id on every answer, Idempotency-Key on POSTs of videos and batches, the bearer scheme
 * on /api routes and /mcp (none elsewhere), servers from API_PUBLIC_URL.
 */
export function buildOpenApiDocument(app: NestExpressApplication, config: VidflowConfig): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('vidflow')
      .setDescription('Durable AI video production: script, speech and render as Temporal workflows. Contract: API.md.')
      .setVersion('1')
      .setLicense('MIT', 'https://opensource.org/license/mit')
      .addServer(config.api.publicUrl)
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'One of API_KEYS (only when the server sets API_KEYS)' }, 'apiKey')
      .addTag('videos', 'One video: submit, follow, download, cancel')
      .addTag('batches', 'Many videos at once, at most maxConcurrent running')
      .addTag('schedules', 'Batches on a timetable (Temporal Schedules)')
      .addTag('cache', 'The content-addressed artifact cache')
      .addTag('uploads', 'Resumable uploads (tus 1.0.0)')
      .addTag('studio', 'What the Studio web app reads')
      .addTag('media', 'The media library: images, videos and audio referenced as media:<id>')
      .addTag('transcriptions', 'Speech to subtitles: SRT, WebVTT, JSON, text, burned-in MP4')
      .addTag('system', 'This machine, the task queues and the limits')
    .addTag('voices', 'Speech providers and their voices')
      .addTag('mcp', 'The MCP server for AI agents (Streamable HTTP, same API keys as /api)')
      .addTag('operations', 'Health and metrics (no API key)')
      .build(),
  );
  // 3.1: schemas are JSON Schema 2020-12, which is what zod emits.
  document.openapi = '3.1.0';
  // The keys are opaque strings, not JWTs (the builder's default).
  delete (document.components?.securitySchemes?.apiKey as { bearerFormat?: string } | undefined)?.bearerFormat;
  delete (document.info as { contact?: unknown }).contact;
  document.components = {
    ...document.components,
    schemas: {
      VideoRequest: exactlyOneOf(requestSchema(VideoRequestSchema), ['topic', 'script', 'scenes']),
      BatchRequest: requestSchema(BatchRequestSchema),
      ScheduleRequest: exactlyOneOf(requestSchema(ScheduleRequestSchema), ['cron', 'intervalSeconds']),
      Error: ERROR_ENVELOPE,
      CreatedVideo: responseSchema(CreatedVideoSchema),
      VideoStatus: responseSchema(VideoStatusSchema),
      VideoList: responseSchema(VideoListSchema),
      CancelAccepted: responseSchema(CancelAcceptedSchema),
      CreatedBatch: responseSchema(CreatedBatchSchema),
      BatchStatus: responseSchema(BatchStatusSchema),
      BatchRetryAccepted: responseSchema(BatchRetryAcceptedSchema),
      Schedule: responseSchema(ScheduleSchema),
      ScheduleList: responseSchema(ScheduleListSchema),
      CacheStats: responseSchema(CacheStatsSchema),
      CacheCleanup: responseSchema(CacheCleanupSchema),
      CacheEntryRemoved: responseSchema(CacheEntryRemovedSchema),
      Health: responseSchema(HealthSchema),
      StudioConfig: responseSchema(StudioConfigSchema),
      TranscriptionRequest: requestSchema(TranscriptionRequestSchema),
      CreatedTranscription: responseSchema(CreatedTranscriptionSchema),
      WebhookTestRequest: requestSchema(WebhookTestRequestSchema),
      WebhookTest: responseSchema(WebhookTestSchema),
      TranscriptionStatus: responseSchema(TranscriptionStatusSchema),
      TranscriptionList: responseSchema(TranscriptionListSchema),
      System: responseSchema(SystemSchema),
      MediaItem: responseSchema(MediaItemSchema),
      MediaList: responseSchema(MediaListSchema),
      MediaDeleted: responseSchema(MediaDeletedSchema),
      Voices: responseSchema(VoiceCatalogSchema),
      McpMessage: MCP_MESSAGE,
    } as never,
    headers: HEADERS as never,
    responses: Object.fromEntries(
      Object.values(ERRORS).map((e) => [e.name, { description: e.description, headers: headers(...(e.headers ?? [])), content: json('Error') }]),
    ) as never,
    parameters: {
      'If-None-Match': {
        name: 'If-None-Match',
        in: 'header',
        required: false,
        description: 'The ETag of an earlier answer: 304 while it is still current',
        schema: { type: 'string' },
      },
    } as never,
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      // A route missing from ROUTES keeps what its decorators say plus the errors every route can give; the
      // unit spec fails for it, so it never ships that way (and the API still starts while it is written).
      const route: RouteDoc = ROUTES[`${method} ${path}`] ?? { success: [], open: !isKeyedPath(path) };
      if (route.summary && !op.summary) op.summary = route.summary;
      const responses: Record<string, unknown> = route.success.length ? {} : { ...op.responses };
      for (const s of route.success) {
        responses[s.status] = {
          description: s.description,
          headers: headers(...(s.headers ?? [])),
          ...('schema' in s ? { content: json(s.schema) } : 'content' in s ? { content: s.content } : {}),
        };
      }
      const errors = [...(route.open ? [] : API_ERRORS), ...(route.body ? BODY_ERRORS : []), ...(path.includes('{') ? ['404'] : []), ...(route.errors ?? [])];
      for (const e of errors) {
        const [status, schema] = e.split(':') as [string, string | undefined];
        // A route's own error shape (the health report) comes without the envelope's Retry-After.
        responses[status] = schema ? { description: ERRORS[status]!.description, headers: headers(), content: json(schema) } : ref('responses', ERRORS[status]!.name);
      }
      for (const [status, own] of Object.entries(route.ownErrors ?? {})) {
        responses[status] = { description: own.description, headers: headers(...(own.headers ?? [])), ...(own.content ? { content: own.content } : {}) };
      }
      op.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
      // Public routes say so (an empty requirement), rather than leaving it to a global default.
      op.security = route.open ? [] : [{ apiKey: [] }];
      const parameters = [...(op.parameters ?? []).filter((p) => p.in === 'path'), ...(route.parameters ?? [])];
      // Handlers that take the request whole (@Req) declare no @Param: a path parameter neither the
      // decorators nor ROUTES name is added here.
      for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
        if (!parameters.some((p) => p.in === 'path' && p.name === name)) parameters.unshift({ name, in: 'path', required: true, schema: { type: 'string' } });
      }
      if (route.idempotent) {
        parameters.push({
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'The same key with the same body returns the same resource; with another body, 409',
          schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
        });
      }
      op.parameters = parameters;
      if (route.body) {
        op.requestBody = { required: true, content: route.bodyContent ?? json(route.body) };
      }
    }
  }
  return document;
}

/** Serves the document at /docs-json and the UI at /docs. */
export function setupOpenApi(app: NestExpressApplication, config: VidflowConfig): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app, config), { jsonDocumentUrl: 'docs-json' });
}
