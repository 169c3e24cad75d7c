import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli';
import { captureIo } from './testing/capture-io';

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}
type Reply = { status: number; body?: unknown; raw?: Uint8Array };

/** A fetch that answers from a script of expected calls and fails on anything else. */
function scriptedFetch(script: Array<{ method: string; path: string; reply: Reply }>) {
  const calls: Call[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const call: Call = {
      method: init?.method ?? 'GET',
      url,
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    };
    calls.push(call);
    const next = script.shift();
    if (!next || next.method !== call.method || `http://api.test${next.path}` !== url) {
      throw new Error(`unexpected ${call.method} ${url}; expected ${next ? `${next.method} ${next.path}` : 'no more calls'}`);
    }
    const { status, body, raw } = next.reply;
    if (raw) return new Response(raw, { status, headers: { 'content-type': 'video/mp4', 'content-length': String(raw.length) } });
    return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetchFn, calls, remaining: script };
}

const fakeIo = (cwd?: string) => captureIo({ cwd });

const env = { VIDFLOW_API_URL: 'http://api.test/', VIDFLOW_API_KEY: 'k-123' };

function videoStatus(status: string, extra: Record<string, unknown> = {}) {
  return {
    id: 'vid-1',
    status,
    stage: status === 'completed' ? 'done' : 'render',
    progress: status === 'completed' ? 1 : 0.5,
    stages: {
      script: { status: 'completed', cacheHit: false },
      tts: { status: 'completed', done: 2, total: 2, cacheHits: 0 },
      render: { status: status === 'completed' ? 'completed' : 'running', progress: 0.3, attempt: 1, cacheHit: false },
    },
    cacheHit: false,
    createdAt: 'x',
    updatedAt: 'y',
    ...extra,
  };
}

describe('runCli', () => {
  it('exits 2 naming the bad flag, without calling the API', async () => {
    const api = scriptedFetch([]);
    const io = fakeIo();
    expect(await runCli({ argv: ['create', '--topic', 'x', '--colour', 'red'], env, io, fetch: api.fetchFn })).toBe(2);
    expect(io.err()).toBe('vidflow: unknown option --colour for "create"\nRun "vidflow create --help" for usage.\n');
    expect(await runCli({ argv: ['status'], env, io: fakeIo(), fetch: api.fetchFn })).toBe(2);
    expect(await runCli({ argv: ['create', '--topic', 'x'], env: { VIDFLOW_API_URL: 'nope' }, io: fakeIo(), fetch: api.fetchFn })).toBe(2);
    expect(api.calls).toEqual([]);
  });

  it('posts the request with the API key and prints the id, or the response with --json', async () => {
    const created = { id: 'vid-1', status: 'queued', links: { self: '/api/videos/vid-1' } };
    const api = scriptedFetch([
      { method: 'POST', path: '/api/videos', reply: { status: 202, body: created } },
      { method: 'POST', path: '/api/videos', reply: { status: 202, body: created } },
    ]);
    const io = fakeIo();
    expect(await runCli({ argv: ['create', '--topic', 'sea', '--fps', '24'], env, io, fetch: api.fetchFn })).toBe(0);
    expect(io.out()).toBe('vid-1\n');
    expect(api.calls[0]!.body).toEqual({ topic: 'sea', render: { fps: 24 } });
    expect(api.calls[0]!.headers.authorization).toBe('Bearer k-123');
    const jsonIo = fakeIo();
    expect(await runCli({ argv: ['--json', 'create', '--topic', 'sea'], env, io: jsonIo, fetch: api.fetchFn })).toBe(0);
    expect(JSON.parse(jsonIo.out())).toEqual(created);
  });

  it("exits 1 with the server's message and every field detail", async () => {
    const error = {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'the request is invalid',
        details: [{ field: 'render.background.color', message: 'must be a hex colour such as #0b1d3a' }],
      },
    };
    const api = scriptedFetch([{ method: 'POST', path: '/api/videos', reply: { status: 400, body: error } }]);
    const io = fakeIo();
    expect(await runCli({ argv: ['create', '--topic', 'x', '--background-color', 'red'], env, io, fetch: api.fetchFn })).toBe(1);
    expect(io.err()).toBe('error: the request is invalid\n  render.background.color: must be a hex colour such as #0b1d3a\n');
  });

  it('watch follows a video to completion (exit 0) or failure (exit 1 with its error)', async () => {
    const ok = scriptedFetch([
      { method: 'GET', path: '/api/videos/vid-1', reply: { status: 200, body: videoStatus('running') } },
      { method: 'GET', path: '/api/videos/vid-1', reply: { status: 503, body: { error: { code: 'TEMPORAL_UNAVAILABLE', message: 'down' } } } },
      { method: 'GET', path: '/api/videos/vid-1', reply: { status: 200, body: videoStatus('completed') } },
    ]);
    const io = fakeIo();
    expect(await runCli({ argv: ['watch', 'vid-1'], env, io, fetch: ok.fetchFn })).toBe(0);
    expect(ok.remaining).toEqual([]);
    expect(io.out().split('\n')[0]).toMatch(/^\[#+-+\] {2}50% {2}running /);
    expect(io.out()).toContain('vid-1  completed  stage done');

    const failed = videoStatus('failed', { error: { type: 'X', message: 'espeak-ng has no voice "zz"', stage: 'tts' } });
    const bad = scriptedFetch([{ method: 'GET', path: '/api/videos/vid-1', reply: { status: 200, body: failed } }]);
    const badIo = fakeIo();
    expect(await runCli({ argv: ['watch', 'vid-1'], env, io: badIo, fetch: bad.fetchFn })).toBe(1);
    expect(badIo.err()).toBe('error: video vid-1 failed in stage tts: espeak-ng has no voice "zz"\n');
  });

  describe('download', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vidflow-cli-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('writes the file through a temporary name and renames it into place', async () => {
      const bytes = new Uint8Array([0, 0, 0, 24, 102, 116, 121, 112]);
      const api = scriptedFetch([{ method: 'GET', path: '/api/videos/vid-1/file', reply: { status: 200, raw: bytes } }]);
      const io = fakeIo(dir);
      expect(await runCli({ argv: ['download', 'vid-1', '-o', 'out.mp4'], env, io, fetch: api.fetchFn })).toBe(0);
      expect(new Uint8Array(readFileSync(join(dir, 'out.mp4')))).toEqual(bytes);
      expect(readdirSync(dir)).toEqual(['out.mp4']);
    });

    it("refuses with the server's message and leaves no file when the video is not completed", async () => {
      const conflict = { error: { code: 'CONFLICT', message: 'video vid-1 is running; its file exists once it is completed' } };
      const api = scriptedFetch([{ method: 'GET', path: '/api/videos/vid-1/file', reply: { status: 409, body: conflict } }]);
      const io = fakeIo(dir);
      expect(await runCli({ argv: ['download', 'vid-1'], env, io, fetch: api.fetchFn })).toBe(1);
      expect(io.err()).toBe('error: video vid-1 is running; its file exists once it is completed\n');
      expect(existsSync(join(dir, 'vid-1.mp4'))).toBe(false);
      expect(readdirSync(dir)).toEqual([]);
    });
  });

  it('schedules create sends the contract body from the flags and a batch file; list prints a table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vidflow-cli-'));
    try {
      writeFileSync(join(dir, 'nightly.json'), JSON.stringify({ items: [{ topic: 'owls' }], defaults: { language: 'en' } }));
      const api = scriptedFetch([
        { method: 'POST', path: '/api/schedules', reply: { status: 201, body: { id: 'nightly' } } },
        {
          method: 'GET',
          path: '/api/schedules',
          reply: {
            status: 200,
            body: {
              items: [
                { id: 'nightly', paused: true, overlap: 'skip', spec: { cron: '0 3 * * *', timezone: 'UTC' }, nextRuns: ['2026-01-02T03:00:00Z'] },
                { id: 'hourly', paused: false, overlap: 'allow_all', spec: { intervalSeconds: [3600] }, nextRuns: [] },
              ],
            },
          },
        },
        { method: 'POST', path: '/api/schedules/night%2Fly/trigger', reply: { status: 202 } },
      ]);
      const argv = ['schedules', 'create', '--id', 'nightly', '--cron', '0 3 * * *', '--timezone', 'UTC', '--overlap', 'skip', '--paused'];
      const io = fakeIo(dir);
      expect(await runCli({ argv: [...argv, '--batch', 'nightly.json', '--max-concurrent', '3'], env, io, fetch: api.fetchFn })).toBe(0);
      expect(io.out()).toBe('nightly\n');
      expect(api.calls[0]!.body).toEqual({
        id: 'nightly',
        cron: '0 3 * * *',
        timezone: 'UTC',
        overlap: 'skip',
        paused: true,
        batch: { items: [{ topic: 'owls' }], defaults: { language: 'en' }, maxConcurrent: 3 },
      });
      const listIo = fakeIo(dir);
      expect(await runCli({ argv: ['schedules', 'list'], env, io: listIo, fetch: api.fetchFn })).toBe(0);
      expect(listIo.out().split('\n')).toEqual([
        'id       state   spec                  overlap    next run',
        'nightly  paused  cron 0 3 * * * (UTC)  skip       2026-01-02T03:00:00Z',
        'hourly   active  every 3600 s          allow_all',
        '',
      ]);
      expect(await runCli({ argv: ['schedules', 'trigger', 'night/ly'], env, io: fakeIo(dir), fetch: api.fetchFn })).toBe(0);
      expect(api.remaining).toEqual([]);

      const both = fakeIo(dir);
      expect(await runCli({ argv: ['schedules', 'create', '--id', 'x', '--cron', '* * * * *', '--interval', '60', '--batch', 'nightly.json'], env, io: both, fetch: api.fetchFn })).toBe(2);
      expect(both.err()).toContain('exactly one of --cron or --interval is required');
      const badFile = fakeIo(dir);
      expect(await runCli({ argv: ['schedules', 'create', '--id', 'x', '--interval', '60', '--batch', 'missing.json'], env, io: badFile, fetch: api.fetchFn })).toBe(2);
      expect(badFile.err()).toMatch(/^vidflow: cannot read missing\.json: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("cache stats prints the server's message when the endpoint answers with an error", async () => {
    const api = scriptedFetch([
      { method: 'GET', path: '/api/cache/stats', reply: { status: 404, body: { error: { code: 'NOT_FOUND', message: 'Cannot GET /api/cache/stats' } } } },
      { method: 'GET', path: '/api/cache/stats', reply: { status: 404, body: 'not json at all' } },
    ]);
    const io = fakeIo();
    expect(await runCli({ argv: ['cache', 'stats'], env, io, fetch: api.fetchFn })).toBe(1);
    expect(io.err()).toBe('error: Cannot GET /api/cache/stats\n');
    const other = fakeIo();
    expect(await runCli({ argv: ['cache', 'stats'], env, io: other, fetch: api.fetchFn })).toBe(1);
    expect(other.err()).toBe('error: HTTP 404: "not json at all"\n');
  });

  it('batch --wait shows overall progress, then the per-item table; exits 1 when an item failed', async () => {
    const counts = { total: 2, completed: 1, failed: 1, cancelled: 0, running: 0, queued: 0, cacheHits: 0 };
    const api = scriptedFetch([
      { method: 'POST', path: '/api/batches', reply: { status: 202, body: { id: 'bat-1' } } },
      {
        method: 'GET',
        path: '/api/batches/bat-1?offset=0&limit=1',
        reply: { status: 200, body: { id: 'bat-1', status: 'running', ...counts, completed: 0, failed: 0, running: 2, items: [] } },
      },
      { method: 'GET', path: '/api/batches/bat-1?offset=0&limit=1', reply: { status: 200, body: { id: 'bat-1', status: 'completed', ...counts, items: [] } } },
      {
        method: 'GET',
        path: '/api/batches/bat-1?offset=0&limit=1000',
        reply: {
          status: 200,
          body: {
            id: 'bat-1',
            status: 'completed',
            ...counts,
            items: [
              { index: 0, videoId: 'vid-b-0', status: 'completed' },
              { index: 1, videoId: 'vid-b-1', status: 'failed', error: { type: 'RenderFailed', message: 'boom', stage: 'render' } },
            ],
          },
        },
      },
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'vidflow-cli-'));
    try {
      writeFileSync(join(dir, 'b.csv'), 'topic,fps\nsea,24\n"sky, blue",\n');
      const io = fakeIo(dir);
      expect(await runCli({ argv: ['batch', 'b.csv', '--max-concurrent', '2', '--wait'], env, io, fetch: api.fetchFn })).toBe(1);
      expect(api.calls[0]!.body).toEqual({ items: [{ topic: 'sea', render: { fps: 24 } }, { topic: 'sky, blue' }], maxConcurrent: 2 });
      expect(io.out().split('\n')).toEqual([
        'bat-1  (2 videos)',
        '[------------------------------]   0%  0/2 done  running 2  queued 0  cache hits 0',
        '[##############################] 100%  2/2 done  running 0  queued 0  failed 1  cache hits 0',
        'batch bat-1: completed  total 2  completed 1  failed 1  cancelled 0  running 0  queued 0  cache hits 0',
        'index  videoId  status     error',
        '0      vid-b-0  completed',
        '1      vid-b-1  failed     render: boom (RenderFailed)',
        '',
      ]);
      expect(io.err()).toBe('error: batch bat-1 completed: 1 failed, 0 cancelled of 2\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
