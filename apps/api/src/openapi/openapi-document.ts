import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { VidflowConfig } from '@vidflow/config';
import {
  BatchRequestSchema,
  CancelAcceptedSchema,
  CreatedTranscriptionSchema,
  CreatedVideoSchema,
  ScheduleRequestSchema,
  SystemSchema,
  TranscriptionListSchema,
  TranscriptionRequestSchema,
  TranscriptionStatusSchema,
  VideoListSchema,
  VideoRequestSchema,
  VideoStatusSchema,
} from '@vidflow/contracts';
import { z } from 'zod';

type Schema = Record<string, unknown>;
type Operation = { parameters?: unknown[]; responses?: Record<string, unknown>; security?: unknown[]; requestBody?: unknown };

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

const REQUEST_ID_HEADER = { description: 'The request id (the client\'s own X-Request-Id when it sent a valid one)', schema: { type: 'string' } };
const RETRY_AFTER_HEADER = { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } };
const errorResponse = (description: string, headers: Record<string, unknown> = {}) => ({
  description,
  headers: { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' }, ...headers },
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
/** Answers every /api route can give before or around its handler (auth, limits, Temporal down). */
const API_ERRORS = {
  '400': errorResponse('Bad parameters or body; `details` names every bad field'),
  '401': errorResponse('Missing or invalid API key (when API_KEYS is set)'),
  '429': errorResponse('Rate limited', { 'Retry-After': { $ref: '#/components/headers/Retry-After' } }),
  '503': errorResponse('Temporal is unreachable', { 'Retry-After': { $ref: '#/components/headers/Retry-After' } }),
};
const WRITE_ERRORS = { '413': errorResponse('Body too large'), '415': errorResponse('Not JSON') };

/** Success answers described by the zod response schemas of libs/contracts, by `method path status`. */
const SUCCESS: Record<string, { schema: string; description: string; headers?: Record<string, unknown> }> = {
  'post /api/videos 202': { schema: 'CreatedVideo', description: 'Accepted; poll links.self', headers: { Location: { description: 'links.self', schema: { type: 'string' } } } },
  'get /api/videos 200': { schema: 'VideoList', description: 'Videos, newest first' },
  'get /api/videos/{id} 200': { schema: 'VideoStatus', description: 'The status object' },
  'delete /api/videos/{id} 202': { schema: 'CancelAccepted', description: 'Cancellation requested' },
  'post /api/transcriptions 202': {
    schema: 'CreatedTranscription',
    description: 'Accepted; poll links.self',
    headers: { Location: { description: 'links.self', schema: { type: 'string' } } },
  },
  'get /api/system 200': { schema: 'System', description: 'Machine, task queues, tuner and limits' },
  'get /api/transcriptions 200': { schema: 'TranscriptionList', description: 'Transcriptions, newest first' },
  'get /api/transcriptions/{id} 200': { schema: 'TranscriptionStatus', description: 'The status object' },
  'delete /api/transcriptions/{id} 202': { schema: 'CancelAccepted', description: 'Cancellation requested' },
};
/** Route-specific errors, beyond API_ERRORS. */
const ROUTE_ERRORS: Record<string, string[]> = {
  'post /api/videos': ['409', '422'],
  'post /api/batches': ['409', '422'],
  'post /api/schedules': ['409'],
  'get /api/videos/{id}/file': ['404', '409'],
  'delete /api/videos/{id}': ['404', '409'],
  'post /api/transcriptions': ['409', '422'],
  'get /api/transcriptions/{id}/file': ['404', '409'],
  'get /api/transcriptions/{id}/{name}': ['404', '409'],
  'delete /api/transcriptions/{id}': ['404', '409'],
};
const ERROR_TEXT: Record<string, string> = { '404': 'No such resource', '409': 'Conflict with the resource\'s state', '422': 'Well-formed but impossible' };

/**
 * The OpenAPI document: paths and summaries from the Nest controllers, request bodies from the zod
 * schemas that validate them, and what the decorators cannot say added here: the error envelope and
 * the errors every /api route can give, X-Request-Id on every answer, Idempotency-Key on POSTs of
 * videos and batches, the bearer scheme on /api routes, servers from API_PUBLIC_URL.
 */
export function buildOpenApiDocument(app: NestExpressApplication, config: VidflowConfig): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('vidflow')
      .setDescription('Durable AI video production: script, speech and render as Temporal workflows. Contract: API.md.')
      .setVersion('1')
      .addServer(config.api.publicUrl)
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'One of API_KEYS (only when the server sets API_KEYS)' }, 'apiKey')
      .build(),
  );
  // 3.1: schemas are JSON Schema 2020-12, which is what zod emits.
  document.openapi = '3.1.0';
  document.components = {
    ...document.components,
    schemas: {
      ...document.components?.schemas,
      VideoRequest: exactlyOneOf(requestSchema(VideoRequestSchema), ['topic', 'script', 'scenes']) as never,
      BatchRequest: requestSchema(BatchRequestSchema) as never,
      ScheduleRequest: exactlyOneOf(requestSchema(ScheduleRequestSchema), ['cron', 'intervalSeconds']) as never,
      Error: ERROR_ENVELOPE as never,
      CreatedVideo: responseSchema(CreatedVideoSchema) as never,
      VideoStatus: responseSchema(VideoStatusSchema) as never,
      VideoList: responseSchema(VideoListSchema) as never,
      CancelAccepted: responseSchema(CancelAcceptedSchema) as never,
      System: responseSchema(SystemSchema) as never,
      TranscriptionRequest: requestSchema(TranscriptionRequestSchema) as never,
      CreatedTranscription: responseSchema(CreatedTranscriptionSchema) as never,
      TranscriptionStatus: responseSchema(TranscriptionStatusSchema) as never,
      TranscriptionList: responseSchema(TranscriptionListSchema) as never,
    },
    headers: { 'X-Request-Id': REQUEST_ID_HEADER as never, 'Retry-After': RETRY_AFTER_HEADER as never },
  };
  const bodies: Record<string, string> = {
    '/api/videos': 'VideoRequest',
    '/api/batches': 'BatchRequest',
    '/api/schedules': 'ScheduleRequest',
    '/api/transcriptions': 'TranscriptionRequest',
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      const responses = (op.responses ??= {});
      for (const r of Object.values(responses) as Array<{ headers?: Record<string, unknown> }>) {
        r.headers = { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' }, ...r.headers };
      }
      if (!path.startsWith('/api')) continue;
      for (const [key, success] of Object.entries(SUCCESS)) {
        const [m, p, status] = key.split(' ');
        if (m !== method || p !== path) continue;
        responses[status!] = {
          description: success.description,
          headers: { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' }, ...success.headers },
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${success.schema}` } } },
        };
      }
      const specific = [...(ROUTE_ERRORS[`${method} ${path}`] ?? []), ...(path.includes('{') ? ['404'] : [])];
      for (const status of specific) responses[status] ??= errorResponse(ERROR_TEXT[status]!);
      op.security = [{ apiKey: [] }];
      Object.assign(responses, API_ERRORS, method === 'post' ? WRITE_ERRORS : {}, { ...responses });
      if (method === 'post' && bodies[path]) {
        op.requestBody = { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${bodies[path]}` } } } };
        if (path !== '/api/schedules') {
          op.parameters = [
            ...(op.parameters ?? []).filter((p) => (p as { name?: string }).name !== 'idempotency-key'),
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: 'The same key with the same body returns the same resource; with another body, 409',
              schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
            },
          ];
        }
      }
    }
  }
  return document;
}

/** Serves the document at /docs-json and the UI at /docs. */
export function setupOpenApi(app: NestExpressApplication, config: VidflowConfig): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app, config), { jsonDocumentUrl: 'docs-json' });
}
