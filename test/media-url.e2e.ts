import type { VideoStatusView } from '@vidflow/contracts';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ffprobe } from './support/ffprobe';
import { startTestStack, type TestStack, waitForVideo } from './support/test-stack';

/**
 * Media given as http(s) URLs, end to end: a local HTTP server (made with ffmpeg: a small orange PNG,
 * a larger noise PNG, an HTML page) and a real worker that downloads, checks and renders. On this
 * machine the server is on loopback, so the stack that renders from it allows private addresses
 * (MEDIA_ALLOW_PRIVATE_URLS=true); the stack with the default settings must refuse it.
 */
describe('media URLs end to end', () => {
  let dir: string;
  let server: Server;
  let port: number;
  const hits: string[] = [];
  const files: Record<string, { path: string; type: string }> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(process.env.VIDFLOW_TEST_ROOT!, 'media-url-'));
    const make = (args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
    make(['-f', 'lavfi', '-i', 'color=c=0xff8800:s=400x300', '-frames:v', '1', join(dir, 'orange.png')]);
    // Random grey levels do not compress: a real picture of a few hundred KB, over the stack's limit below.
    make(['-f', 'lavfi', '-i', "nullsrc=s=512x512,geq=lum='random(1)*255':cb=128:cr=128", '-frames:v', '1', join(dir, 'noise.png')]);
    files['/orange.png'] = { path: join(dir, 'orange.png'), type: 'image/png' };
    files['/noise.png'] = { path: join(dir, 'noise.png'), type: 'image/png' };
    server = createServer((req, res) => {
      const path = new URL(req.url!, 'http://x').pathname;
      hits.push(path);
      if (path === '/page.png') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Sign in</title>\n');
      const file = files[path];
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': file.type }).end(readFileSync(file.path));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    hits.length = 0;
  });

  async function makeVideo(stack: TestStack, body: object): Promise<VideoStatusView> {
    const created = await stack.api.post('/api/videos').send(body).expect(202);
    return waitForVideo(stack.api, created.body.id);
  }
  const expectBadMedia = (status: VideoStatusView, message: string | RegExp) => {
    expect(status.status).toBe('failed');
    expect(status.error).toMatchObject({ type: 'BadMedia', stage: 'render' });
    expect(status.error!.message).toMatch(message);
    // Non-retryable: the first attempt was the last.
    expect(status.stages.render.attempt ?? 1).toBeLessThanOrEqual(1);
  };

  describe('with MEDIA_ALLOW_PRIVATE_URLS=true', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack({ MEDIA_ALLOW_PRIVATE_URLS: 'true', MEDIA_DOWNLOAD_MAX_BYTES: '100000' });
    });
    afterAll(async () => {
      await stack?.stop();
    });
    const file = (id: string) => join(stack.config.dataDir, 'videos', `${id}.mp4`);

    it('renders a video whose background image is a URL', async () => {
      const url = `http://127.0.0.1:${port}/orange.png?token=secret`;
      const status = await makeVideo(stack, {
        script: 'The sky is orange today. It came from a web server.',
        render: { height: 640, background: { image: url }, captions: { enabled: false } },
      });
      expect(status.status).toBe('completed');
      expect(hits).toEqual(['/orange.png']);
      const probed = ffprobe(file(status.id));
      expect(probed.video).toEqual({ codec: 'h264', width: 360, height: 640 });
      expect(probed.audio).toEqual({ codec: 'aac' });
      expect(Math.abs(probed.duration - status.result!.durationSeconds)).toBeLessThan(0.1);
      // The downloaded picture is what fills the frame: a pixel of the first second is orange.
      const rgb = execFileSync('ffmpeg', ['-v', 'error', '-ss', '0.5', '-i', file(status.id), '-vf', 'crop=2:2:10:10', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
      const [r, g, b] = [...rgb.subarray(0, 3)];
      expect(r).toBeGreaterThan(200);
      expect(g).toBeGreaterThan(90);
      expect(b).toBeLessThan(60);
      // The download lived in the render attempt's scratch directory, which is gone.
      expect(existsSync(join(stack.config.dataDir, 'tmp', status.id))).toBe(false);
    });

    it('fails at once, naming the field and the limit, on a file over MEDIA_DOWNLOAD_MAX_BYTES', async () => {
      const status = await makeVideo(stack, { script: 'This will not be rendered.', render: { background: { image: `http://127.0.0.1:${port}/noise.png` } } });
      expectBadMedia(
        status,
        `render.background.image: "http://127.0.0.1:${port}/noise.png": larger than MEDIA_DOWNLOAD_MAX_BYTES (100000 bytes)`,
      );
    });

    it('fails at once, naming the field, on a URL that serves an HTML page instead of an image', async () => {
      const status = await makeVideo(stack, {
        scenes: [{ text: 'A scene with a broken background.', background: { image: `http://127.0.0.1:${port}/page.png` } }],
      });
      expectBadMedia(status, `scenes.0.background.image: "http://127.0.0.1:${port}/page.png" cannot be decoded as an image`);
    });

    it('fails at once on a 404, naming the field', async () => {
      const status = await makeVideo(stack, { script: 'No music here.', render: { music: { source: `http://127.0.0.1:${port}/missing.mp3` } } });
      expectBadMedia(status, `render.music.source: "http://127.0.0.1:${port}/missing.mp3": the server answered 404 Not Found`);
    });
  });

  describe('with the default settings (private addresses refused)', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack();
    });
    afterAll(async () => {
      await stack?.stop();
    });

    it('fails at once with BadMedia naming render.background.image: localhost is loopback, never fetched', async () => {
      // A host name, so the API (which never resolves names) passes it on and the worker's connect-time check refuses it.
      const status = await makeVideo(stack, {
        script: 'The sky is orange today. It came from a web server.',
        render: { height: 640, background: { image: `http://localhost:${port}/orange.png` } },
      });
      expectBadMedia(
        status,
        new RegExp(`^render\\.background\\.image: "http://localhost:${port}/orange\\.png": localhost resolves to (127\\.0\\.0\\.1|::1); .* is a loopback address; media URLs must point at public hosts`),
      );
      expect(hits).toEqual([]);
    });

    it('refuses a literal loopback URL in a batch up front with 422 naming the item field', async () => {
      const res = await stack.api
        .post('/api/batches')
        .send({ items: [{ script: 'Fine.' }, { script: 'Not fine.', render: { background: { image: `http://127.0.0.1:${port}/orange.png` } } }] })
        .expect(422);
      expect(res.body.error.details).toEqual([
        {
          field: 'items.1.render.background.image',
          message: '127.0.0.1 is a loopback address; media URLs must point at public hosts (MEDIA_ALLOW_PRIVATE_URLS=true allows private addresses)',
        },
      ]);
    });

    it('refuses a URL with another scheme or credentials up front with 422 naming the field', async () => {
      const ftp = await stack.api.post('/api/videos').send({ script: 'Nope.', render: { background: { video: 'ftp://example.com/a.mp4' } } }).expect(422);
      expect(ftp.body.error.details).toEqual([{ field: 'render.background.video', message: 'must be an http(s) URL, media:<id> or a path under MEDIA_DIR' }]);
      const creds = await stack.api.post('/api/videos').send({ script: 'Nope.', render: { music: { source: 'https://u:p@example.com/a.mp3' } } }).expect(422);
      expect(creds.body.error.details).toEqual([{ field: 'render.music.source', message: 'must not contain credentials (user:password@)' }]);
    });
  });
});
