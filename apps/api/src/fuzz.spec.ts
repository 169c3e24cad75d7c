import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@vidflow/config';
import { ScheduleRequestSchema, VideoRequestSchema } from '@vidflow/contracts';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseQuery } from 'node:querystring';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import request from 'supertest';
import { BatchesService } from './batches/batches.service';
import { checkIdempotencyKey } from './common/idempotency';
import { createApp } from './create-app';
import { ListQuerySchema } from './videos/video-list.service';
import { requestPolicyIssues } from './common/request-policy';

/**
 * Property-based fuzzing of every endpoint of the contract (API.md) with no Temporal server behind the
 * API (the address is a closed port). Whatever a client sends, the answer is never a 5xx, except the
 * 503 TEMPORAL_UNAVAILABLE a request gets once it is valid enough to need Temporal; every error is the
 * JSON envelope with a code and a message, and every response carries X-Request-Id.
 *
 * A request that reaches Temporal waits for the 4 s RPC deadline, so the fuzzed properties skip
 * (`fc.pre`) the rare generated input the API's own validation would accept; the last test sends
 * generated valid requests on purpose and expects exactly that 503, which shows the generators do get
 * past validation.
 */
/** Runs per property; `FUZZ_RUNS=2000 npx jest … fuzz` digs deeper (a failure prints its seed to replay). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

type Res = request.Response;

let app: NestExpressApplication;
let dataDir: string;
let batches: BatchesService;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'vidflow-fuzz-'));
  app = await createApp(loadConfig({ DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:1', RATE_LIMIT_PER_SECOND: '0' }), { logger: false });
  await app.init();
  batches = app.get(BatchesService);
});
afterAll(async () => {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const http = () => request(app.getHttpServer());

/** The contract's promises for any response to any input. */
function expectContractResponse(res: Res, what: string): void {
  const context = `${what} -> ${res.status} ${res.text?.slice(0, 300)}`;
  if (res.status >= 500 && !(res.status === 503 && res.body?.error?.code === 'TEMPORAL_UNAVAILABLE')) {
    throw new Error(`5xx for client input: ${context}`);
  }
  const requestId = res.headers['x-request-id'];
  if (!requestId) throw new Error(`no X-Request-Id: ${context}`);
  if (res.status >= 400 && res.request.method !== 'HEAD') {
    if (!/^application\/json/.test(res.headers['content-type'] ?? '')) throw new Error(`error is not JSON: ${context}`);
    const error = res.body?.error;
    if (typeof error?.code !== 'string' || error.code === '') throw new Error(`error without a code: ${context}`);
    if (typeof error.message !== 'string' || error.message.trim() === '') throw new Error(`error without a message: ${context}`);
    if (error.requestId !== undefined && error.requestId !== requestId) throw new Error(`error.requestId differs from X-Request-Id: ${context}`);
  }
  // Nothing a client sent may reach Object.prototype (bodies carry __proto__ and constructor keys).
  if ((Object.prototype as Record<string, unknown>).polluted !== undefined) throw new Error(`Object.prototype polluted by: ${what}`);
}

// ---------------------------------------------------------------------------------------------------
// Generators

/** Keys that have broken JavaScript servers before, mixed with ordinary and unicode ones. */
const nastyKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'polluted', '', ' ', '\u0000', '__defineGetter__'),
  fc.constantFrom('topic', 'script', 'scenes', 'language', 'llm', 'voice', 'render', 'cache', 'items', 'defaults', 'id', 'cron', 'batch'),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);

const nastyString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '../../../../etc/passwd',
    '/etc/passwd',
    'file:///etc/passwd',
    'http://169.254.169.254/latest/meta-data/',
    'https://127.0.0.1/x.png',
    'gopher://x',
    '#fff:drawtext=text=pwned',
    "'; rm -rf / #",
    '$(reboot)',
    '--help',
    '-y',
    '\u202eevil',
    '🎬'.repeat(300),
    'a'.repeat(20_001),
    'NaN',
    '1e309',
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

const nastyNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, 0.5, 4.9e-324),
  fc.double(), // NaN and Infinity become null in JSON
  fc.integer(),
);

/** Any JSON value, deep and wide enough, with the nasty keys and values above inside. */
const garbage: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString,
    nastyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(nastyKey, tie('value'), { maxKeys: 5 }),
  ),
})).value;

const anyBody = fc.oneof(
  garbage,
  fc.anything({ withNullPrototype: true, withObjectString: true }),
  fc.object({ key: nastyKey, maxDepth: 3 }),
  fc.jsonValue(),
);

const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }).filter((s) => s.trim().length > 0);

const validVideo = fc.record(
  {
    content: fc.oneof(
      fc.record({ topic: text }),
      fc.record({ script: text }),
      fc.record({ scenes: fc.array(fc.record({ text }), { minLength: 1, maxLength: 3 }) }),
    ),
    language: fc.constantFrom('en', 'pt-BR', 'zh', 'de'),
    llm: fc.record({ targetSeconds: fc.integer({ min: 5, max: 600 }), style: fc.string({ maxLength: 20 }) }, { requiredKeys: [] }),
    voice: fc.record({ speed: fc.double({ min: 0.5, max: 2, noNaN: true }), name: fc.constantFrom('en', 'en-gb', 'fr') }, { requiredKeys: [] }),
    render: fc.record(
      {
        aspect: fc.constantFrom('9:16', '16:9', '1:1'),
        height: fc.integer({ min: 240, max: 2160 }),
        fps: fc.integer({ min: 1, max: 60 }),
        captions: fc.record({ enabled: fc.boolean() }),
        background: fc.record({ color: fc.constantFrom('#0b1d3a', '#fff', '#ABCDEF') }),
      },
      { requiredKeys: [] },
    ),
    cache: fc.record({ mode: fc.constantFrom('use', 'refresh', 'bypass'), ttlSeconds: fc.integer({ min: 1, max: 86_400 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: ['content'] },
).map(({ content, ...rest }) => ({ ...content, ...rest }) as Record<string, unknown>);

/** Where a mutation lands in a video request (intermediate objects are created as needed). */
const VIDEO_PATHS: Array<Array<string | number>> = [
  [],
  ['topic'],
  ['script'],
  ['scenes'],
  ['scenes', 0],
  ['scenes', 0, 'text'],
  ['scenes', 0, 'background', 'image'],
  ['language'],
  ['llm'],
  ['llm', 'provider'],
  ['llm', 'targetSeconds'],
  ['voice', 'provider'],
  ['voice', 'name'],
  ['voice', 'speed'],
  ['render'],
  ['render', 'aspect'],
  ['render', 'height'],
  ['render', 'fps'],
  ['render', 'captions', 'enabled'],
  ['render', 'background'],
  ['render', 'background', 'color'],
  ['render', 'background', 'image'],
  ['render', 'background', 'video'],
  ['render', 'music', 'source'],
  ['render', 'music', 'volume'],
  ['cache', 'mode'],
  ['cache', 'ttlSeconds'],
];

interface Mutation {
  path: Array<string | number>;
  kind: 'set' | 'delete' | 'addKey';
  key: string;
  value: unknown;
}

const mutation = (paths: Array<Array<string | number>>): fc.Arbitrary<Mutation> =>
  fc.record({
    path: fc.constantFrom(...paths),
    kind: fc.constantFrom('set', 'set', 'delete', 'addKey'),
    key: nastyKey,
    value: fc.oneof(garbage, nastyString, nastyNumber),
  });

/** Applies mutations to a deep copy of `base`; objects built with JSON.parse, as body-parser builds them. */
function mutate(base: unknown, mutations: Mutation[]): unknown {
  let root: unknown = JSON.parse(JSON.stringify(base));
  for (const m of mutations) {
    if (m.path.length === 0 && m.kind === 'set') {
      root = m.value;
      continue;
    }
    let parent = root as Record<string | number, unknown>;
    if (typeof parent !== 'object' || parent === null) continue;
    const path = m.kind === 'addKey' ? [...m.path, m.key] : m.path;
    for (const step of path.slice(0, -1)) {
      const next = parent[step];
      if (typeof next !== 'object' || next === null) {
        // defineProperty: a real own key even when the step is "__proto__", as JSON.parse would make it.
        Object.defineProperty(parent, step, { value: {}, enumerable: true, writable: true, configurable: true });
      }
      parent = parent[step] as Record<string | number, unknown>;
    }
    const last = path[path.length - 1]!;
    if (m.kind === 'delete') delete parent[last];
    else Object.defineProperty(parent, last, { value: m.value, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

const mutatedVideo = fc.tuple(validVideo, fc.array(mutation(VIDEO_PATHS), { minLength: 1, maxLength: 3 })).map(([v, ms]) => mutate(v, ms));

const validBatch = fc.record(
  {
    items: fc.array(validVideo, { minLength: 1, maxLength: 3 }),
    defaults: fc.record({ language: fc.constantFrom('en', 'de') }, { requiredKeys: [] }),
    maxConcurrent: fc.integer({ min: 1, max: 50 }),
    stopOnError: fc.boolean(),
  },
  { requiredKeys: ['items'] },
);
const BATCH_PATHS: Array<Array<string | number>> = [
  [],
  ['items'],
  ['items', 0],
  ['items', 5000],
  ...VIDEO_PATHS.map((p) => ['items', 0, ...p]),
  ['defaults'],
  ...VIDEO_PATHS.map((p) => ['defaults', ...p]),
  ['maxConcurrent'],
  ['stopOnError'],
];
const mutatedBatch = fc.tuple(validBatch, fc.array(mutation(BATCH_PATHS), { minLength: 1, maxLength: 3 })).map(([b, ms]) => mutate(b, ms));

const scheduleId = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,20}$/);
const validSchedule = fc
  .record(
    {
      id: scheduleId,
      when: fc.oneof(
        fc.record({ cron: fc.constantFrom('0 3 * * *', '*/5 * * * *', '@daily') }),
        fc.record({ intervalSeconds: fc.integer({ min: 1, max: 86_400 }) }),
      ),
      timezone: fc.constantFrom('UTC', 'Europe/Paris', 'Asia/Tokyo'),
      overlap: fc.constantFrom('skip', 'buffer_one', 'allow_all'),
      paused: fc.boolean(),
      batch: validBatch,
    },
    { requiredKeys: ['id', 'when', 'batch'] },
  )
  .map(({ when, ...rest }) => ({ ...rest, ...when }) as Record<string, unknown>);
const SCHEDULE_PATHS: Array<Array<string | number>> = [
  [],
  ['id'],
  ['cron'],
  ['intervalSeconds'],
  ['timezone'],
  ['overlap'],
  ['paused'],
  ['batch'],
  ...BATCH_PATHS.map((p) => ['batch', ...p]),
];
const mutatedSchedule = fc
  .tuple(validSchedule, fc.array(mutation(SCHEDULE_PATHS), { minLength: 1, maxLength: 3 }))
  .map(([s, ms]) => mutate(s, ms));

/** Path parameters, already in URL form (percent-encoded, or raw traversal and broken escapes). */
const pathParam = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }).map(encodeURIComponent),
  fc.string({ unit: 'grapheme', maxLength: 60 }).map((s) => `vid-${encodeURIComponent(s)}`),
  fc.string({ unit: 'grapheme', maxLength: 60 }).map((s) => `bat-${encodeURIComponent(s)}`),
  fc.constantFrom(
    '..',
    '.',
    '...',
    '%2e%2e',
    '..%2f..%2f..%2fetc%2fpasswd',
    '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    'vid-..%2f..%2fetc%2fpasswd',
    'vid-..%5c..%5cwindows',
    '%00',
    'vid-%00',
    'vid-abc%00.mp4',
    'bat-%00',
    '%',
    '%zz',
    'vid-%',
    '%E0%A4%A',
    '%C0%AE%C0%AE',
    '%FF%FE',
    '%F0%9F%8E%AC',
    'vid-%F0%9F%8E%AC',
    '%20',
    '%0d%0aSet-Cookie:%20x=1',
    'vid-' + 'a'.repeat(221),
    'bat-' + 'a'.repeat(201),
    'a'.repeat(65),
    '-leading-dash',
    '.hidden',
    '%3Cscript%3E',
    'null',
    'undefined',
    '__proto__',
    'constructor',
  ),
  // Long, but under Node's 16 KB header limit (beyond it Node itself answers 431, before the app).
  fc.string({ unit: 'grapheme', minLength: 200, maxLength: 2000 }).map((s) => encodeURIComponent(s).slice(0, 6000).replace(/%[0-9A-F]?$/, '')),
).filter((id) => id !== ''); // "/api/videos/" is the list, not an id

/** Query strings: well-formed from a dictionary, or raw text with broken escapes and bracket syntax. */
const QUERY_KEYS = ['status', 'limit', 'cursor', 'batchId', 'offset', '__proto__', 'constructor', 'toString', 'limit[]', 'a[b][c]'];
const queryValue = fc.oneof(
  nastyString,
  nastyNumber.map(String),
  fc.constantFrom('queued', 'running', 'completed', 'failed', 'cancelled', '50', '0', '-1', '501', '1.5', '1e3', 'bat-x', '!!!', 'AAAA'),
);
const queryString = fc.oneof(
  fc
    .dictionary(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ unit: 'grapheme', maxLength: 10 })), fc.oneof(queryValue, fc.array(queryValue, { maxLength: 3 })), {
      maxKeys: 4,
    })
    .map((d) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(d)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
      return params.toString();
    }),
  fc.constantFrom('%', '%zz=1', 'limit=%', 'status[]=queued', 'limit[0]=1', '__proto__[polluted]=1', 'constructor[prototype][polluted]=1', '&&&', '=', '==x', 'limit=1&limit=2', 'cursor=' + 'A'.repeat(5000)),
  fc.string({ unit: 'binary-ascii', maxLength: 80 }).map((s) => encodeURI(s)),
).map((q) => q.slice(0, 8000)); // a URL past Node's 16 KB header limit is refused by Node, before the app

/** Header values a Node client can send (visible ASCII, spaces, tabs, latin-1). */
const headerValue = fc.oneof(
  fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff })).map((c) => String.fromCharCode(c)), maxLength: 300 }),
  fc.constantFrom('', ' ', 'a'.repeat(256), 'a'.repeat(255), 'key with spaces', '\u00e9t\u00e9', 'x\ty'),
);

const CONTENT_TYPES = [
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=nonsense',
  'application/vnd.api+json',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'garbage',
  ';;;',
];

/** Bodies as bytes on the wire: JSON of a value, or text that is not quite JSON. */
const malformedJson = fc.oneof(
  fc.constantFrom('{', '{"topic": ', '[1,2', '{"a":1,}', "{'topic': 'x'}", 'null', 'true', '"str"', '123', '', ' ', 'NaN', '{"topic": "x"}garbage', '\uFEFF{"topic":"x"}', '{"__proto__": {"polluted": 1}}', '{"constructor": {"prototype": {"polluted": 1}}}', '[' .repeat(5000), '{"a":'.repeat(3000)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1)),
);

interface Wire {
  text?: string;
  contentType?: string;
  contentEncoding?: string;
  idempotencyKey?: string;
  requestId?: string;
}

const wire = (value: fc.Arbitrary<unknown>): fc.Arbitrary<Wire> =>
  fc.record(
    {
      text: fc.oneof({ weight: 4, arbitrary: value.map((v) => JSON.stringify(v)) }, { weight: 1, arbitrary: malformedJson }),
      contentType: fc.oneof({ weight: 4, arbitrary: fc.constant('application/json') }, { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) }),
      contentEncoding: fc.constantFrom('identity', 'x-unknown', 'identity, x-unknown'),
      idempotencyKey: headerValue,
      requestId: headerValue,
    },
    { requiredKeys: ['text', 'contentType'] },
  );

function send(method: 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options', url: string, w: Wire = {}) {
  let req = http()[method](url);
  if (w.contentType !== undefined) req = req.set('Content-Type', w.contentType);
  if (w.contentEncoding !== undefined) req = req.set('Content-Encoding', w.contentEncoding);
  if (w.idempotencyKey !== undefined) req = req.set('Idempotency-Key', w.idempotencyKey);
  if (w.requestId !== undefined) req = req.set('X-Request-Id', w.requestId);
  return w.text !== undefined ? req.send(w.text) : req;
}

function describeWire(method: string, url: string, w: Wire): string {
  return `${method.toUpperCase()} ${url.slice(0, 200)} ${JSON.stringify({ ...w, text: w.text?.slice(0, 300) })}`;
}

// ---------------------------------------------------------------------------------------------------
// What the API would accept and send on to Temporal (those requests take the 4 s deadline).

function parses(text: string | undefined, contentType: string | undefined): { ok: boolean; value?: unknown } {
  // body-parser (express.json) reads application/json only; anything else leaves no body.
  // Errs towards "parsed" (any charset): a request predicted to reach Temporal is only skipped.
  if (text === undefined || !contentType || !/^application\/json/i.test(contentType)) return { ok: true, value: undefined };
  try {
    // body-parser decodes with iconv-lite, which drops a leading byte order mark before JSON.parse.
    const decoded = text.replace(/^\uFEFF/, '');
    return { ok: true, value: decoded.trim() === '' ? undefined : JSON.parse(decoded) };
  } catch {
    return { ok: false };
  }
}

function encodingOk(w: Wire): boolean {
  return w.contentEncoding === undefined || w.contentEncoding === 'identity';
}

/** A header value as the server reads it: HTTP drops the spaces and tabs around it (RFC 9110 5.5). */
function asReceived(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

function keyOk(key: string | undefined): boolean {
  try {
    checkIdempotencyKey(key === undefined ? undefined : asReceived(key));
    return true;
  } catch {
    return false;
  }
}

function videoReachesTemporal(w: Wire): boolean {
  const body = parses(w.text, w.contentType);
  if (!body.ok || !encodingOk(w) || !keyOk(w.idempotencyKey)) return false;
  const parsed = VideoRequestSchema.safeParse(body.value ?? {});
  if (!parsed.success) return false;
  return requestPolicyIssues(parsed.data).length === 0;
}

function batchAccepted(value: unknown): boolean {
  try {
    batches.parse(value);
    return true;
  } catch {
    return false;
  }
}

function batchReachesTemporal(w: Wire): boolean {
  const body = parses(w.text, w.contentType);
  return body.ok && encodingOk(w) && keyOk(w.idempotencyKey) && batchAccepted(body.value);
}

function scheduleReachesTemporal(w: Wire): boolean {
  const body = parses(w.text, w.contentType);
  if (!body.ok || !encodingOk(w)) return false;
  const parsed = ScheduleRequestSchema.safeParse(body.value ?? {});
  return parsed.success && batchAccepted(parsed.data.batch);
}

function decoded(param: string): string | undefined {
  try {
    return decodeURIComponent(param);
  } catch {
    return undefined;
  }
}
const isVideoId = (p: string) => /^vid-[A-Za-z0-9._:-]{1,220}$/.test(decoded(p) ?? '');
const isBatchId = (p: string) => /^bat-[A-Za-z0-9._:-]{1,200}$/.test(decoded(p) ?? '');
const isScheduleId = (p: string) => /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/.test(decoded(p) ?? '');

// ---------------------------------------------------------------------------------------------------
// Properties

const run = <Ts>(property: fc.IAsyncPropertyWithHooks<Ts>, numRuns = RUNS) => fc.assert(property, { numRuns, maxSkipsPerRun: 1000 });

describe('fuzzing the API (no Temporal behind it)', () => {
  jest.setTimeout(Math.max(60_000, RUNS * 200));

  it('POST /api/videos: arbitrary bodies, content types, encodings and headers', async () => {
    const seen = { echoed: 0, replaced: 0 };
    await run(
      fc.asyncProperty(wire(fc.oneof(anyBody, mutatedVideo)), async (w) => {
        fc.pre(!videoReachesTemporal(w));
        const res = await send('post', '/api/videos', w);
        expectContractResponse(res, describeWire('post', '/api/videos', w));
        // A sane client request id is echoed; anything else is replaced (not reflected into a header).
        const echoed = w.requestId !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(asReceived(w.requestId));
        seen[echoed ? 'echoed' : 'replaced']++;
        expect(res.headers['x-request-id']).toEqual(echoed ? asReceived(w.requestId!) : expect.stringMatching(/^[0-9a-f-]{36}$/));
      }),
      RUNS * 2,
    );
    // Both rules were exercised: generators that never produced a sane id (or only sane ones) would test one.
    expect(seen.echoed).toBeGreaterThan(0);
    expect(seen.replaced).toBeGreaterThan(0);
  });

  it('POST /api/videos: valid requests with one to three fields broken', async () => {
    await run(
      fc.asyncProperty(mutatedVideo, fc.option(headerValue, { nil: undefined }), async (body, idempotencyKey) => {
        const w: Wire = { text: JSON.stringify(body), contentType: 'application/json', idempotencyKey };
        fc.pre(!videoReachesTemporal(w));
        const res = await send('post', '/api/videos', w);
        expectContractResponse(res, describeWire('post', '/api/videos', w));
        // Broken on purpose and refused before Temporal: a 4xx, never the 503.
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }),
      RUNS * 2,
    );
  });

  it('POST /api/batches: arbitrary and mutated bodies', async () => {
    await run(
      fc.asyncProperty(wire(fc.oneof(anyBody, mutatedBatch)), async (w) => {
        fc.pre(!batchReachesTemporal(w));
        const res = await send('post', '/api/batches', w);
        expectContractResponse(res, describeWire('post', '/api/batches', w));
        expect(res.status).toBeLessThan(500);
      }),
      RUNS * 2,
    );
  });

  it('POST /api/schedules: arbitrary and mutated bodies', async () => {
    await run(
      fc.asyncProperty(wire(fc.oneof(anyBody, mutatedSchedule)), async (w) => {
        fc.pre(!scheduleReachesTemporal(w));
        const res = await send('post', '/api/schedules', w);
        expectContractResponse(res, describeWire('post', '/api/schedules', w));
        expect(res.status).toBeLessThan(500);
      }),
      RUNS * 2,
    );
  });

  it('GET /api/videos: arbitrary query strings', async () => {
    await run(
      fc.asyncProperty(queryString, headerValue, async (qs, requestId) => {
        // Express 5 parses queries with node:querystring; a query the list accepts would go to Temporal.
        fc.pre(!ListQuerySchema.safeParse({ ...parseQuery(qs) }).success);
        const url = `/api/videos?${qs}`;
        const res = await send('get', url, { requestId });
        expectContractResponse(res, describeWire('get', url, { requestId }));
      }),
    );
  });

  const idRoutes: Array<{ method: 'get' | 'post' | 'delete'; url: (id: string) => string; reaches: (id: string) => boolean }> = [
    { method: 'get', url: (id) => `/api/videos/${id}`, reaches: isVideoId },
    { method: 'get', url: (id) => `/api/videos/${id}/file`, reaches: isVideoId },
    { method: 'get', url: (id) => `/api/videos/${id}/events`, reaches: isVideoId },
    { method: 'delete', url: (id) => `/api/videos/${id}`, reaches: isVideoId },
    { method: 'get', url: (id) => `/api/batches/${id}`, reaches: isBatchId },
    { method: 'delete', url: (id) => `/api/batches/${id}`, reaches: isBatchId },
    { method: 'post', url: (id) => `/api/batches/${id}/retry`, reaches: isBatchId },
    { method: 'get', url: (id) => `/api/schedules/${id}`, reaches: isScheduleId },
    { method: 'post', url: (id) => `/api/schedules/${id}/pause`, reaches: isScheduleId },
    { method: 'post', url: (id) => `/api/schedules/${id}/unpause`, reaches: isScheduleId },
    { method: 'post', url: (id) => `/api/schedules/${id}/trigger`, reaches: isScheduleId },
    { method: 'delete', url: (id) => `/api/schedules/${id}`, reaches: isScheduleId },
  ];

  it.each(idRoutes.map((r) => [`${r.method.toUpperCase()} ${r.url(':id')}`, r] as const))(
    '%s: arbitrary ids, traversal, NUL, broken escapes, long and unicode ids',
    async (_name, route) => {
      await run(
        fc.asyncProperty(pathParam, fc.option(queryString, { nil: undefined }), fc.option(wire(anyBody), { nil: undefined }), async (id, qs, w) => {
          // Ids in the id format would be looked up in Temporal (the 503 of the last test).
          fc.pre(!route.reaches(id));
          const url = `${route.url(id)}${qs ? `?${qs}` : ''}`;
          const res = await send(route.method, url, route.method === 'get' ? {} : (w ?? {}));
          expect(res.status).toBeLessThan(500);
          expectContractResponse(res, describeWire(route.method, url, w ?? {}));
        }),
        60,
      );
    },
  );

  it('GET /api/cache/stats, health and unknown routes answer in the envelope with any query and method', async () => {
    const paths = ['/api/cache/stats', '/health/live', '/api', '/api/', '/api/nothing', '/api/videos/x/y/z', '/%', '/api/%zz'];
    await run(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.constantFrom('get', 'post', 'put', 'patch', 'delete', 'head'),
        fc.option(queryString, { nil: undefined }),
        fc.option(wire(anyBody), { nil: undefined }),
        async (path, method, qs, w) => {
          const url = `${path}${qs ? `?${qs}` : ''}`;
          const res = await send(method as 'get', url, method === 'get' || method === 'head' ? {} : (w ?? {}));
          expectContractResponse(res, describeWire(method, url, w ?? {}));
          expect(res.status).toBeLessThan(500);
        },
      ),
    );
  });

  it('cache endpoints (no Temporal needed): arbitrary keys, stages and bodies', async () => {
    const hexKey = fc.stringMatching(/^[0-9a-f]{64}$/);
    await run(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ method: fc.constant('delete' as const), url: fc.oneof(pathParam, hexKey).map((k) => `/api/cache/entries/${k}`) }),
          fc.record({ method: fc.constant('delete' as const), url: fc.oneof(queryString, fc.constantFrom('stage=tts', 'stage=script', 'stage=x', '')).map((q) => `/api/cache?${q}`) }),
          fc.record({ method: fc.constant('post' as const), url: fc.constant('/api/cache/cleanup') }),
          fc.record({ method: fc.constant('get' as const), url: queryString.map((q) => `/api/cache/stats?${q}`) }),
        ),
        fc.option(wire(anyBody), { nil: undefined }),
        async ({ method, url }, w) => {
          const res = await send(method, url, method === 'get' ? {} : (w ?? {}));
          expectContractResponse(res, describeWire(method, url, w ?? {}));
          expect(res.status).toBeLessThan(500);
        },
      ),
    );
  });

  describe('POST bodies with a Content-Encoding', () => {
    // body-parser inflates gzip, deflate and br (any case); an encoding it does not know is a 415.
    const compress: Record<string, ((b: Buffer) => Buffer) | undefined> = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };
    const encodingCase = fc.record({
      url: fc.constantFrom('/api/videos', '/api/batches', '/api/schedules'),
      encoding: fc.constantFrom('gzip', 'deflate', 'br', 'GZIP', 'gzip, gzip', 'x-unknown'),
      text: fc.oneof(anyBody.map((v) => JSON.stringify(v) ?? ''), malformedJson),
    });
    const postBytes = (url: string, encoding: string, bytes: Buffer) =>
      http()
        .post(url)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', encoding)
        .serialize((b: Buffer) => b as never) // the bytes as they are (superagent would JSON-encode a Buffer)
        .send(bytes);
    const reaches = (url: string, text: string) => {
      const w: Wire = { text, contentType: 'application/json' };
      return url === '/api/videos' ? videoReachesTemporal(w) : url === '/api/batches' ? batchReachesTemporal(w) : scheduleReachesTemporal(w);
    };

    it('compressed bodies are inflated and then validated like any other', async () => {
      await run(
        fc.asyncProperty(encodingCase, async ({ url, encoding, text }) => {
          const algorithm = compress[encoding.toLowerCase()];
          fc.pre(!(algorithm && reaches(url, text)));
          const res = await postBytes(url, encoding, algorithm ? algorithm(Buffer.from(text)) : Buffer.from(text));
          expectContractResponse(res, `POST ${url} Content-Encoding: ${encoding} (compressed) ${JSON.stringify(text.slice(0, 200))}`);
          // Inputs that would reach Temporal were skipped above, so anything else is refused before it: a 4xx.
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        }),
        60,
      );
    });

    it('a body that does not inflate is a 4xx, not a 500', async () => {
      await run(
        fc.asyncProperty(encodingCase, async ({ url, encoding, text }) => {
          const res = await postBytes(url, encoding, Buffer.from(text));
          expectContractResponse(res, `POST ${url} Content-Encoding: ${encoding} (not compressed) ${JSON.stringify(text.slice(0, 200))}`);
          expect(res.status).toBeLessThan(500);
        }),
        60,
      );
    });
  });

  it('any method on the contract routes it does not define is a 4xx in the envelope', async () => {
    const routes = ['/api/videos', '/api/videos/vid-x', '/api/batches', '/api/batches/bat-x', '/api/schedules', '/api/schedules/s1/pause'];
    await run(
      fc.asyncProperty(fc.constantFrom(...routes), fc.constantFrom('put', 'patch'), async (url, method) => {
        const res = await send(method as 'put', url, { text: '{}', contentType: 'application/json' });
        expectContractResponse(res, `${method} ${url}`);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }),
      20,
    );
  });

  it('valid generated requests get past validation and reach Temporal: 503 TEMPORAL_UNAVAILABLE with Retry-After', async () => {
    // Sent at once: each waits for the 4 s Temporal deadline, together they take about that long.
    const [video] = fc.sample(validVideo, { numRuns: 1, seed: 42 });
    const [batch] = fc.sample(validBatch, { numRuns: 1, seed: 42 });
    const [schedule] = fc.sample(validSchedule, { numRuns: 1, seed: 42 });
    const [id] = fc.sample(fc.stringMatching(/^[A-Za-z0-9._:-]{1,40}$/), { numRuns: 1, seed: 42 });
    const calls: Array<[string, Promise<Res>]> = [
      ['POST /api/videos', http().post('/api/videos').send(video!)],
      ['POST /api/videos (Idempotency-Key)', http().post('/api/videos').set('Idempotency-Key', 'fuzz-key-1').send(video!)],
      ['GET /api/videos', http().get('/api/videos?status=running&limit=5')],
      ['GET /api/videos/:id', http().get(`/api/videos/vid-${encodeURIComponent(id!)}`)],
      ['GET /api/videos/:id/events', http().get(`/api/videos/vid-${encodeURIComponent(id!)}/events`)],
      ['DELETE /api/videos/:id', http().delete(`/api/videos/vid-${encodeURIComponent(id!)}`)],
      ['POST /api/batches', http().post('/api/batches').send(batch!)],
      ['GET /api/batches/:id', http().get(`/api/batches/bat-${encodeURIComponent(id!)}?offset=0&limit=10`)],
      ['POST /api/schedules', http().post('/api/schedules').send(schedule!)],
      ['GET /api/schedules', http().get('/api/schedules')],
      ['POST /api/schedules/:id/pause', http().post(`/api/schedules/${encodeURIComponent(schedule!.id as string)}/pause`)],
    ];
    const results = await Promise.all(calls.map(async ([name, p]) => [name, await p] as const));
    for (const [name, res] of results) {
      expect({ name, status: res.status, code: res.body?.error?.code }).toEqual({ name, status: 503, code: 'TEMPORAL_UNAVAILABLE' });
      expect(res.headers['retry-after']).toBe('5');
      expectContractResponse(res, name);
    }
  });
});
