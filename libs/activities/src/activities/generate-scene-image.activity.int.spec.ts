import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { type ArtifactCache, createCache } from '@vidflow/cache';
import type { FoundSceneVisual, GenerateSceneImageInput } from '@vidflow/contracts';
import { FfmpegRunner } from '@vidflow/media';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IMAGE_COLOURS, startOpenAiTestServer, type OpenAiTestServer } from '../../../../test/support/openai-test-server';
import { ArtifactStore } from '../adapters/artifact-store/artifact-store';
import { createOpenAiClient, type OpenAiClient } from '../adapters/openai/openai-client';
import { OpenAiImageProvider } from '../adapters/scene-images/openai-image.provider';
import { makeGenerateSceneImage } from './generate-scene-image.activity';

/** width, height and codec of a file's picture, and its centre pixel (RGB), read back with ffprobe and ffmpeg. */
function picture(file: string) {
  const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,codec_name', '-of', 'json', file], { encoding: 'utf8' }));
  const centre = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-vf', 'crop=2:2:iw/2:ih/2', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
  return { ...probe.streams[0], centre: [...centre.subarray(0, 3)] };
}

describe('generateSceneImage (OpenAI-compatible images server, real ffmpeg and cache)', () => {
  let root: string;
  let server: OpenAiTestServer;
  let cache: ArtifactCache;
  const clients: OpenAiClient[] = [];
  let n = 0;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'vidflow-images-'));
    server = await startOpenAiTestServer();
    cache = await createCache({ dir: join(root, 'cache') });
  });
  beforeEach(() => server.reset());
  afterAll(async () => {
    for (const c of clients) c.close();
    await cache?.close();
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const activity = (model: string) => {
    const openai = createOpenAiClient({ apiKey: 'test-key', baseUrl: `${server.url}/v1`, timeoutMs: 5_000, maxConnections: 2 });
    clients.push(openai);
    return makeGenerateSceneImage({
      store: new ArtifactStore(root),
      ffmpeg: new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' }),
      cache,
      sceneImages: { 'openai-images': new OpenAiImageProvider(openai.client, model, `${server.url}/v1`) },
      // The test server's image URLs are on loopback.
      mediaDownload: { allowPrivate: true, maxBytes: 10 * 1024 ** 2, timeoutSeconds: 10 },
    });
  };
  const input = (o: Partial<GenerateSceneImageInput> = {}): GenerateSceneImageInput => ({
    videoId: `vid-img-${++n}`,
    index: 2,
    text: `A red lighthouse on a cliff, scene ${n}.`,
    keywords: ['lighthouse'],
    topic: 'coasts',
    width: 1080,
    height: 1920,
    ...o,
  });
  const run = (model: string, i: GenerateSceneImageInput) => new MockActivityEnvironment().run(activity(model), i) as Promise<FoundSceneVisual>;
  const failure = (model: string, i: GenerateSceneImageInput = input()) =>
    run(model, i).then(
      () => {
        throw new Error('expected the activity to fail');
      },
      (e: unknown) => e as ApplicationFailure,
    );

  it('writes the image the server drew as the scene run file, at the portrait size, and reports model and prompt', async () => {
    const i = input({ style: 'flat vector art' });
    const visual = await run('sd-test', i);
    const prompt = 'flat vector art. An image for a narrated video about coasts. Subject: lighthouse. No text, letters or captions in the image. The scene: "' + i.text + '"';
    expect(visual).toEqual({ source: 'openai-images', model: 'sd-test', prompt, image: `work/${i.videoId}/image-002` });
    expect(server.requests.map((r) => [r.path, r.body])).toEqual([['/v1/images/generations', { model: 'sd-test', prompt, n: 1, size: '1024x1792' }]]);
    expect(picture(join(root, visual.image!))).toEqual({ codec_name: 'png', width: 1024, height: 1792, centre: [...IMAGE_COLOURS.red] });
    // The attempt's scratch folder is gone.
    expect(readdirSync(join(root, 'tmp', i.videoId))).toEqual([]);
  });

  it('answers a repeated scene from the cache (another video, same words): no request, the same bytes', async () => {
    const first = input({ text: 'A blue boat at dawn.' });
    const made = await run('sd-test', first);
    const again = await run('sd-test', { ...first, videoId: 'vid-img-again' });
    expect(server.requests).toHaveLength(1);
    expect(again).toEqual({ ...made, image: 'work/vid-img-again/image-002' });
    expect(readFileSync(join(root, again.image!))).toEqual(readFileSync(join(root, made.image!)));
    // cache.mode refresh asks the server again.
    await run('sd-test', { ...first, videoId: 'vid-img-refresh', cache: { mode: 'refresh' } });
    expect(server.requests).toHaveLength(2);
  });

  it('asks DALL-E for the bytes and reports its revised prompt; asks gpt-image without response_format (which it refuses)', async () => {
    const dalle = (await run('dall-e-3', input({ width: 1920, height: 1080 }))) as Extract<FoundSceneVisual, { source: 'openai-images' }>;
    expect(server.requests[0]!.body).toMatchObject({ model: 'dall-e-3', size: '1792x1024', response_format: 'b64_json' });
    expect(dalle.revisedPrompt).toBe(`A detailed picture. ${dalle.prompt}`);
    const gpt = await run('gpt-image-1', input());
    expect(server.requests[1]!.body).not.toHaveProperty('response_format');
    expect(server.requests[1]!.body).toMatchObject({ size: '1024x1536' });
    expect(picture(join(root, gpt.image!))).toMatchObject({ width: 1024, height: 1536 });
  });

  it('fetches an image answered by URL through the media downloader', async () => {
    const visual = await run('url-sd', input({ text: 'A green field.' }));
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/images/generations', 'GET /files/image-1.png']);
    expect(picture(join(root, visual.image!))).toMatchObject({ codec_name: 'png', centre: [...IMAGE_COLOURS.green] });
  });

  it('retries a rate limit after its Retry-After, fails a refused prompt with the server message, and an answer that is no image as BadMedia', async () => {
    server.failNext(1, { status: 429, retryAfter: '7' }, 'images');
    const limited = await failure('sd-test');
    expect(limited.nonRetryable).toBe(false);
    expect(limited.nextRetryDelay).toBe(7000);

    server.failNext(1, { status: 400, message: 'Your request was rejected by the safety system.' }, 'images');
    const refused = await failure('sd-test');
    expect(refused.nonRetryable).toBe(true);
    expect(refused.message).toContain('rejected by the safety system');

    server.failNext(1, { content: 'this is not a picture' }, 'images');
    const i = input();
    const broken = await failure('sd-test', i);
    expect(broken).toMatchObject({ type: 'BadMedia', nonRetryable: true });
    expect(broken.message).toMatch(/^visuals\.provider: the image sd-test made for scene 2 /);
    expect(existsSync(join(root, 'work', i.videoId, 'image-002'))).toBe(false);
  });

  it('fails at once, naming visuals.provider and the settings, on a worker without an images endpoint', async () => {
    const bare = makeGenerateSceneImage({ store: new ArtifactStore(root), ffmpeg: new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' }) });
    const err = (await new MockActivityEnvironment().run(bare, input()).catch((e: unknown) => e)) as ApplicationFailure;
    expect(err).toMatchObject({ type: 'BadInput', nonRetryable: true });
    expect(err.message).toContain('IMAGES_BASE_URL');
  });
});
