import { ApplicationFailure } from '@temporalio/common';
import { FfmpegRunner } from '@vidflow/media';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveMediaInput, type MediaKind } from './resolve-media-input';

jest.setTimeout(30_000);

/** Real files and real ffprobe/ffmpeg: the checks are only as good as what they catch on disk. */
describe('resolveMediaInput', () => {
  let root: string;
  let mediaDir: string;
  const ffmpeg = new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' });
  const make = (args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'vidflow-media-'));
    mediaDir = join(root, 'media');
    mkdirSync(join(mediaDir, 'sub'), { recursive: true });
    make(['-f', 'lavfi', '-i', 'color=c=red:s=64x48', '-frames:v', '1', join(mediaDir, 'sub', 'bg.png')]);
    make(['-f', 'lavfi', '-i', 'testsrc=s=64x48:r=10:d=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', join(mediaDir, 'clip.mp4')]);
    make(['-f', 'lavfi', '-i', 'sine=d=1', '-c:a', 'aac', join(mediaDir, 'tone.m4a')]);
    make(['-f', 'lavfi', '-i', 'sine=d=1', '-c:a', 'aac', join(mediaDir, 'no-video.mp4')]);
    writeFileSync(join(mediaDir, 'fake.png'), 'this is text, not a PNG\n');
    writeFileSync(join(root, 'secret.png'), 'outside');
    symlinkSync(join(root, 'secret.png'), join(mediaDir, 'escape.png'));
    symlinkSync(join(mediaDir, 'sub', 'bg.png'), join(mediaDir, 'inside-link.png'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const resolve = (ref: string, kind: MediaKind = 'image', field = 'render.background.image') =>
    resolveMediaInput({ ref, field, kind, mediaDir, ffmpeg });
  const failure = async (ref: string, kind: MediaKind = 'image', field?: string): Promise<ApplicationFailure> => {
    const err = await resolve(ref, kind, field).catch((e: unknown) => e);
    if (!(err instanceof ApplicationFailure)) throw new Error(`expected a failure for ${ref}, got ${String(err)}`);
    expect(err).toMatchObject({ type: 'BadMedia', nonRetryable: true });
    return err;
  };

  it('resolves relative paths under MEDIA_DIR, absolute paths inside it and links that stay inside', async () => {
    await expect(resolve('sub/bg.png')).resolves.toBe(join(mediaDir, 'sub', 'bg.png'));
    await expect(resolve(join(mediaDir, 'sub', 'bg.png'))).resolves.toBe(join(mediaDir, 'sub', 'bg.png'));
    await expect(resolve('inside-link.png')).resolves.toBe(join(mediaDir, 'sub', 'bg.png'));
    await expect(resolve('clip.mp4', 'video')).resolves.toBe(join(mediaDir, 'clip.mp4'));
    await expect(resolve('tone.m4a', 'audio')).resolves.toBe(join(mediaDir, 'tone.m4a'));
  });

  it.each<[string, string, MediaKind, RegExp]>([
    ['a missing file', 'nope.png', 'image', /^render\.background\.image: file not found: "nope\.png"$/],
    ['a ../ escape', '../secret.png', 'image', /^render\.background\.image: "\.\.\/secret\.png": "\.\." is not allowed/],
    ['a ../ hidden in the middle', 'sub/../../secret.png', 'image', /"\.\." is not allowed/],
    ['an absolute path outside MEDIA_DIR', '/etc/passwd', 'image', /"\/etc\/passwd" is outside MEDIA_DIR/],
    ['a symbolic link out of MEDIA_DIR', 'escape.png', 'image', /"escape\.png" resolves \(through a symbolic link\) outside MEDIA_DIR/],
    ['a text file posing as .png', 'fake.png', 'image', /"fake\.png" cannot be decoded as an image/],
    ['a video file with no video stream', 'no-video.mp4', 'video', /"no-video\.mp4" has no video stream/],
    ['music without sound', 'sub/bg.png', 'audio', /"sub\/bg\.png" has no audio stream/],
    ['a directory', 'sub', 'image', /"sub" is not a file/],
    ['an http URL without download settings', 'https://example.com/a.png', 'image', /"https:\/\/example\.com\/a\.png": this worker does not download media from URLs/],
    ['another scheme', 'file:///etc/passwd', 'image', /"file:\/\/\/etc\/passwd": only http\(s\) URLs and paths under MEDIA_DIR are accepted/],
  ])('refuses %s as non-retryable BadMedia naming the field', async (_what, ref, kind, message) => {
    const err = await failure(ref, kind);
    expect(err.message).toMatch(message);
  });

  it('names the field it was given', async () => {
    const err = await failure('nope.mp4', 'video', 'scenes.3.background.video');
    expect(err.message).toBe('scenes.3.background.video: file not found: "nope.mp4"');
    expect(err.details).toEqual([{ field: 'scenes.3.background.video' }]);
  });
  describe('media:<id> (the media library)', () => {
    const id = 'med-0123456789abcdef0123456789abcdef';
    const lib = () => join(root, 'library');
    beforeAll(() => {
      mkdirSync(join(lib(), 'files'), { recursive: true });
      mkdirSync(join(lib(), 'items'), { recursive: true });
      make(['-f', 'lavfi', '-i', 'color=c=blue:s=32x32', '-frames:v', '1', '-f', 'image2', '-c:v', 'png', join(lib(), 'files', id)]);
      writeFileSync(join(lib(), 'items', `${id}.json`), JSON.stringify({ id, kind: 'image' }));
      // A file with no item (half-written or being deleted) and an item whose file is a link out of the library.
      writeFileSync(join(lib(), 'files', 'med-ffffffffffffffffffffffffffffffff'), 'x');
      symlinkSync(join(root, 'secret.png'), join(lib(), 'files', 'med-eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee'));
      writeFileSync(join(lib(), 'items', 'med-eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee.json'), '{}');
    });
    const fromLibrary = (ref: string, kind: MediaKind = 'image') =>
      resolveMediaInput({ ref, field: 'scenes.1.background.image', kind, mediaDir, libraryDir: lib(), ffmpeg }).catch((e: unknown) => e as ApplicationFailure);

    it('resolves a known item to its file in the library', async () => {
      expect(await fromLibrary(`media:${id}`)).toBe(join(lib(), 'files', id));
    });

    it('refuses an unknown id, a malformed id, a file without its item and a link out of the library, naming the field', async () => {
      for (const [ref, message] of [
        ['media:med-00000000000000000000000000000000', /^scenes\.1\.background\.image: no media-library item med-0{32}/],
        ['media:../../etc/passwd', /is not a media-library id/],
        ['media:med-ffffffffffffffffffffffffffffffff', /no media-library item/],
        ['media:med-eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee', /outside MEDIA_DIR/],
      ] as const) {
        const err = (await fromLibrary(ref)) as ApplicationFailure;
        expect(err).toBeInstanceOf(ApplicationFailure);
        expect(err).toMatchObject({ type: 'BadMedia', nonRetryable: true });
        expect(err.message).toMatch(message);
      }
    });

    it('checks the item decodes as what it is used for (an image is no audio)', async () => {
      const err = (await fromLibrary(`media:${id}`, 'audio')) as ApplicationFailure;
      expect(err.message).toMatch(/has no audio stream/);
    });

    it('is refused by a caller that gives no library', async () => {
      const err = await resolveMediaInput({ ref: `media:${id}`, field: 'render.music.source', kind: 'audio', mediaDir, ffmpeg }).catch((e: unknown) => e as Error);
      expect((err as Error).message).toMatch(/no media library/);
    });
  });
});

/** URLs: downloaded into the given directory, then held to the same probe and decode checks as local files. */
describe('resolveMediaInput with http URLs', () => {
  let root: string;
  let server: Server;
  let base: string;
  const ffmpeg = new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' });
  const bodies = new Map<string, Buffer | string>();

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'vidflow-media-url-'));
    const png = join(root, 'bg.png');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=blue:s=64x48', '-frames:v', '1', png]);
    bodies.set('/bg.png', readFileSync(png));
    bodies.set('/page.png', '<!doctype html><html><body>Not found, but with a 200</body></html>\n');
    bodies.set('/live.mp4', '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n');
    bodies.set('/list.mp4', 'ffconcat version 1.0\nfile bg.png\n');
    server = createServer((req, res) => {
      const body = bodies.get(new URL(req.url!, 'http://x').pathname);
      if (body === undefined) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(root, { recursive: true, force: true });
  });

  const resolve = (ref: string, dir: string, kind: MediaKind = 'image') =>
    resolveMediaInput({ ref, field: 'render.background.image', kind, mediaDir: join(root, 'media'), ffmpeg, download: { dir, allowPrivate: true } });
  const failure = async (ref: string, dir: string, kind: MediaKind = 'image'): Promise<ApplicationFailure> => {
    const err = await resolve(ref, dir, kind).catch((e: unknown) => e);
    if (!(err instanceof ApplicationFailure)) throw new Error(`expected a failure for ${ref}, got ${String(err)}`);
    expect(err).toMatchObject({ type: 'BadMedia', nonRetryable: true });
    return err;
  };

  it('downloads the file into the scratch directory and returns its path once it decodes', async () => {
    const dir = mkdtempSync(join(root, 'scratch-'));
    const path = await resolve(`${base}/bg.png?sig=secret`, dir);
    expect(path.startsWith(`${dir}/`)).toBe(true);
    expect(path).toMatch(/\.png$/);
    expect(readFileSync(path)).toEqual(bodies.get('/bg.png'));
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('refuses an HTML page served for an image, naming the field and the URL without its query', async () => {
    const err = await failure(`${base}/page.png?token=secret`, mkdtempSync(join(root, 'scratch-')));
    expect(err.message).toBe(`render.background.image: "${base}/page.png?…" cannot be decoded as an image`);
    expect(err.message).not.toContain('secret');
  });

  it.each([
    ['an HLS playlist', '/live.mp4', /is an HLS playlist, not a media file/],
    ['an ffconcat list', '/list.mp4', /is an ffconcat list, not a media file/],
  ])('refuses %s before ffmpeg opens what it points at', async (_what, path, message) => {
    const err = await failure(`${base}${path}`, mkdtempSync(join(root, 'scratch-')), 'video');
    expect(err.message).toMatch(message);
  });

  it('refuses a loopback URL with the default settings (private addresses not allowed)', async () => {
    const err = await resolveMediaInput({
      ref: `${base}/bg.png`,
      field: 'render.music.source',
      kind: 'audio',
      mediaDir: root,
      ffmpeg,
      download: { dir: mkdtempSync(join(root, 'scratch-')) },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'BadMedia', nonRetryable: true });
    expect((err as Error).message).toMatch(/^render\.music\.source: "http:\/\/127\.0\.0\.1:\d+\/bg\.png": 127\.0\.0\.1 is a loopback address/);
  });
});
