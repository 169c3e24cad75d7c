import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { classifyAddress } from '@vidflow/contracts';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadMedia, type DownloadMediaOptions } from './download-media';

jest.setTimeout(30_000);

/**
 * The downloader against a real HTTP server on 127.0.0.1. Loopback is refused by default, so the
 * tests that need to reach the server pass `allowPrivate`, or a `classify` that treats exactly
 * 127.0.0.1 as public so that everything else (169.254.169.254, 10.x, ::1 …) is still judged for real.
 */
describe('downloadMedia', () => {
  let root: string;
  let server: Server;
  let port: number;
  let base: string;
  const hits: string[] = [];
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
  const body = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'vidflow-download-'));
    server = createServer((req, res) => {
      const path = new URL(req.url!, 'http://x').pathname;
      hits.push(path);
      const route = routes.get(path);
      if (route) route(req, res);
      else res.writeHead(404, 'Not Found').end('no such thing');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;

    routes.set('/media.bin', (_req, res) => res.writeHead(200, { 'content-length': body.length }).end(body));
    routes.set('/clip.MP4', (_req, res) => res.writeHead(200).end(body));
    routes.set('/chunked.bin', (_req, res) => {
      // No Content-Length: only counting the bytes as they arrive can stop it.
      res.writeHead(200);
      let sent = 0;
      const more = () => {
        if (res.destroyed || sent >= 20_000) return void res.end();
        sent += 1000;
        res.write(body.subarray(0, 1000), () => setImmediate(more));
      };
      more();
    });
    routes.set('/announced-big.bin', (_req, res) => res.writeHead(200, { 'content-length': '10000000' }).end(body));
    routes.set('/hop1', (_req, res) => res.writeHead(302, { location: '/hop2?x=1' }).end());
    routes.set('/hop2', (_req, res) => res.writeHead(301, { location: `${base}/media.bin` }).end());
    routes.set('/loop', (_req, res) => res.writeHead(307, { location: '/loop' }).end());
    routes.set('/to-metadata', (_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam' }).end());
    routes.set('/to-internal-name', (_req, res) => res.writeHead(302, { location: `http://internal.test:${port}/media.bin` }).end());
    routes.set('/to-file', (_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end());
    routes.set('/no-location', (_req, res) => res.writeHead(302).end());
    routes.set('/broken', (_req, res) => res.writeHead(500, 'Internal Server Error').end('oops'));
    routes.set('/busy', (_req, res) => res.writeHead(503, 'Service Unavailable', { 'retry-after': '7' }).end());
    routes.set('/slow-down', (_req, res) => res.writeHead(429, 'Too Many Requests').end());
    routes.set('/forbidden', (_req, res) => res.writeHead(403, 'Forbidden').end());
    routes.set('/empty', (_req, res) => res.writeHead(200, { 'content-length': 0 }).end());
    routes.set('/silent', () => {
      // Never answers: only the timeouts end the request.
    });
    routes.set('/stalls', (_req, res) => {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 1000));
    });
    routes.set('/reset', (req, res) => {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 1000), () => req.socket.destroy());
    });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(root, { recursive: true, force: true });
  });
  beforeEach(() => {
    hits.length = 0;
  });

  const scratch = () => mkdtempSync(join(root, 'scratch-'));
  const onlyLoopbackIsPublic = (address: string) => (address === '127.0.0.1' ? 'public' : classifyAddress(address));
  const download = (path: string, options: Partial<DownloadMediaOptions> = {}) =>
    downloadMedia({
      url: /^[a-z]+:/.test(path) ? path : `${base}${path}`,
      field: 'render.background.image',
      dir: options.dir ?? scratch(),
      allowPrivate: true,
      maxBytes: 1_000_000,
      timeoutSeconds: 20,
      ...options,
    });
  async function failure(path: string, options: Partial<DownloadMediaOptions> = {}): Promise<ApplicationFailure> {
    const dir = options.dir ?? scratch();
    const err = await download(path, { ...options, dir }).catch((e: unknown) => e);
    if (!(err instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure for ${path}, got ${String(err)}`);
    // Nothing half-written is ever left behind.
    expect(readdirSync(dir)).toEqual([]);
    return err;
  }
  const bad = async (path: string, options: Partial<DownloadMediaOptions> = {}) => {
    const err = await failure(path, options);
    expect(err).toMatchObject({ type: 'BadMedia', nonRetryable: true, details: [{ field: 'render.background.image' }] });
    return err.message;
  };
  const retryable = async (path: string, options: Partial<DownloadMediaOptions> = {}) => {
    const err = await failure(path, options);
    expect(err).toMatchObject({ type: 'MediaUnavailable', nonRetryable: false });
    return err;
  };

  it('streams the body into a complete file in the scratch directory, reporting progress', async () => {
    const dir = scratch();
    const progress: number[] = [];
    const got = await download('/media.bin', { dir, onProgress: (bytes) => progress.push(bytes) });
    expect(readFileSync(got.path)).toEqual(body);
    expect(got).toMatchObject({ bytes: body.length, finalUrl: `${base}/media.bin` });
    expect(readdirSync(dir)).toEqual([got.path.slice(dir.length + 1)]);
    expect(progress.at(-1)).toBe(body.length);
  });

  it('keeps a media extension from the URL (ffmpeg guesses some formats by it) and drops anything else', async () => {
    expect((await download('/clip.MP4')).path).toMatch(/\.mp4$/);
    expect((await download('/media.bin')).path).toMatch(/\/media-[0-9a-f-]+$/);
  });

  it('follows relative and absolute redirects, and reports where the body came from', async () => {
    const got = await download('/hop1');
    expect(readFileSync(got.path)).toEqual(body);
    expect(got.finalUrl).toBe(`${base}/media.bin`);
    expect(hits).toEqual(['/hop1', '/hop2', '/media.bin']);
  });

  it('refuses a loopback server by default, before connecting to it', async () => {
    const message = await bad('/media.bin', { allowPrivate: false });
    expect(message).toBe(
      `render.background.image: "${base}/media.bin": 127.0.0.1 is a loopback address; media URLs must point at public hosts (MEDIA_ALLOW_PRIVATE_URLS=true allows private addresses)`,
    );
    expect(hits).toEqual([]);
  });

  it('checks the addresses a host name resolves to when the socket connects (localhost through the system resolver)', async () => {
    const message = await bad(`http://localhost:${port}/media.bin`, { allowPrivate: false });
    expect(message).toMatch(/"http:\/\/localhost:\d+\/media\.bin": localhost resolves to (127\.0\.0\.1|::1); .* is a loopback address/);
    expect(hits).toEqual([]);
  });

  it('refuses a host with any refused address among the ones DNS gives', async () => {
    const resolveHost = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.1.2.3', family: 4 },
    ];
    const message = await bad(`http://cdn.test:${port}/media.bin`, { allowPrivate: false, resolveHost });
    expect(message).toContain('cdn.test resolves to 10.1.2.3; 10.1.2.3 is a private address');
  });

  it('refuses a redirect to the cloud metadata address', async () => {
    const message = await bad('/to-metadata', { allowPrivate: false, classify: onlyLoopbackIsPublic });
    expect(message).toBe(
      `render.background.image: "${base}/to-metadata": redirected to "http://169.254.169.254/latest/meta-data/iam": 169.254.169.254 is a link-local address; media URLs must point at public hosts (MEDIA_ALLOW_PRIVATE_URLS=true allows private addresses)`,
    );
    expect(hits).toEqual(['/to-metadata']);
  });

  it('refuses a redirect to a host name that resolves to a private address, without connecting', async () => {
    const resolveHost = async (host: string) => [{ address: host === 'internal.test' ? '192.168.0.10' : '127.0.0.1', family: 4 }];
    const message = await bad('/to-internal-name', { allowPrivate: false, classify: onlyLoopbackIsPublic, resolveHost });
    expect(message).toContain(`redirected to "http://internal.test:${port}/media.bin": internal.test resolves to 192.168.0.10; 192.168.0.10 is a private address`);
    expect(hits).toEqual(['/to-internal-name']);
  });

  it('refuses redirects to other schemes, without a Location, and more than 5 of them', async () => {
    expect(await bad('/to-file')).toContain('redirected to "file:///etc/passwd": only http and https URLs are accepted');
    expect(await bad('/no-location')).toContain('the server answered 302 without a Location');
    hits.length = 0;
    expect(await bad('/loop')).toBe(`render.background.image: "${base}/loop": more than 5 redirects`);
    expect(hits).toHaveLength(6);
  });

  it('refuses URLs with credentials or another scheme without connecting', async () => {
    expect(await bad(`http://user:pw@127.0.0.1:${port}/media.bin`)).toContain('must not contain credentials');
    expect(await bad(`ftp://127.0.0.1:${port}/media.bin`)).toContain('only http and https URLs are accepted');
    expect(hits).toEqual([]);
  });

  it('refuses a file larger than maxBytes from its Content-Length, before reading the body', async () => {
    const message = await bad('/announced-big.bin');
    expect(message).toBe(`render.background.image: "${base}/announced-big.bin": larger than MEDIA_DOWNLOAD_MAX_BYTES (1000000 bytes): Content-Length is 10000000`);
  });

  it('stops a chunked body (no Content-Length) as soon as it passes maxBytes, removing the partial file', async () => {
    const message = await bad('/chunked.bin', { maxBytes: 4500 });
    expect(message).toBe(`render.background.image: "${base}/chunked.bin": larger than MEDIA_DOWNLOAD_MAX_BYTES (4500 bytes)`);
  });

  it('fails a 404 or 403 at once (non-retryable), naming the status', async () => {
    expect(await bad('/nothing-here.png?token=secret')).toBe(`render.background.image: "${base}/nothing-here.png?…": the server answered 404 Not Found`);
    expect(await bad('/forbidden')).toContain('the server answered 403 Forbidden');
  });

  it('refuses an empty body', async () => {
    expect(await bad('/empty')).toContain('the server sent an empty body');
  });

  it('retries a 5xx or 429, waiting as long as Retry-After says', async () => {
    const broken = await retryable('/broken');
    expect(broken.message).toBe(`render.background.image: "${base}/broken": the server answered 500 Internal Server Error`);
    expect(broken.nextRetryDelay).toBeUndefined();
    const busy = await retryable('/busy');
    expect(busy.message).toContain('the server answered 503 Service Unavailable');
    expect(busy.nextRetryDelay).toBe(7000);
    expect((await retryable('/slow-down')).message).toContain('the server answered 429 Too Many Requests');
  });

  it('retries when the overall time limit passes', async () => {
    const err = await retryable('/silent', { timeoutSeconds: 0.5 });
    expect(err.message).toBe(`render.background.image: "${base}/silent": the download did not finish within 0.5 s (MEDIA_DOWNLOAD_TIMEOUT_SECONDS)`);
  });

  it('retries when the server goes quiet in the middle of the body, removing the partial file', async () => {
    const err = await retryable('/stalls', { idleTimeoutSeconds: 0.3 });
    expect(err.message).toBe(`render.background.image: "${base}/stalls": no data for 0.3 s`);
  });

  it('retries when the connection drops in the middle of the body', async () => {
    const err = await retryable('/reset');
    expect(err.message).toMatch(new RegExp(`^render\\.background\\.image: "${base}/reset": `));
  });

  it('retries when nothing listens on the port', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/media.bin`;
    await new Promise((r) => closed.close(r));
    expect((await retryable(url)).message).toContain('ECONNREFUSED');
  });

  it('fails a host name that does not exist at once', async () => {
    const resolveHost = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND', hostname: 'nowhere.test' });
    };
    expect(await bad('http://nowhere.test/a.png', { resolveHost, allowPrivate: false })).toBe(
      'render.background.image: "http://nowhere.test/a.png": host nowhere.test not found',
    );
  });

  it('stops when cancelled mid-body: CancelledFailure, and the partial file is removed', async () => {
    const dir = scratch();
    const cancel = new AbortController();
    const result = download('/stalls', { dir, signal: cancel.signal }).catch((e: unknown) => e);
    // Cancel once the body has started to land in its .part file.
    while (!readdirSync(dir).some((f) => f.endsWith('.part'))) await new Promise((r) => setTimeout(r, 10));
    cancel.abort();
    expect(await result).toBeInstanceOf(CancelledFailure);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('does not start when already cancelled', async () => {
    const cancel = new AbortController();
    cancel.abort();
    await expect(download('/media.bin', { signal: cancel.signal })).rejects.toBeInstanceOf(CancelledFailure);
    expect(hits).toEqual([]);
  });
});
