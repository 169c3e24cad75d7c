import type { VideoStatusView } from '@vidflow/contracts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startOpenAiTestServer, type OpenAiTestServer } from './support/openai-test-server';
import { startStockMediaTestServer, TEST_PEXELS_KEY, type StockMediaTestServer } from './support/stock-media-test-server';
import { startTestStack, type TestStack, waitForVideo } from './support/test-stack';

/**
 * Stock visuals per scene end to end: a real worker searches a local server speaking Pexels' JSON with each scene's
 * terms, downloads the chosen clip through the media downloader and renders it behind that scene; a scene whose
 * search finds nothing keeps the request's background, and the status says what every scene showed.
 */
describe('visuals: a stock clip per scene (Pexels API, local server)', () => {
  let dir: string;
  let pexels: StockMediaTestServer;
  let stack: TestStack;

  beforeAll(async () => {
    dir = mkdtempSync(join(process.env.VIDFLOW_TEST_ROOT!, 'visuals-'));
    const clip = join(dir, 'red.mp4');
    // The portrait SD rendition (540x960) is the smallest that covers a 320x568 frame: the one vidflow must pick.
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=0xff0000:s=540x960:r=25:d=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip]);
    pexels = await startStockMediaTestServer({ files: { 'whales-1-sd.mp4': readFileSync(clip) } });
    stack = await startTestStack({ PEXELS_API_KEY: TEST_PEXELS_KEY, PEXELS_BASE_URL: pexels.url, MEDIA_ALLOW_PRIVATE_URLS: 'true' });
  });
  afterAll(async () => {
    await stack?.stop();
    await pexels?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The centre pixel (RGB) of the frame at `seconds`. */
  const centre = (file: string, seconds: number) =>
    execFileSync('ffmpeg', ['-v', 'error', '-ss', String(seconds), '-i', file, '-vf', 'crop=2:2:iw/2:ih/2', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);

  it('shows the clip found for a scene, keeps the background where nothing was found, and reports both', async () => {
    const created = await stack.api
      .post('/api/videos')
      .send({
        scenes: [{ text: 'Whales sing in the deep.', keywords: ['whales'] }, { text: 'Nothing to see here.', keywords: ['nothing'] }],
        visuals: { provider: 'pexels' },
        render: { height: 568, captions: { enabled: false }, background: { color: '#0000ff' } },
      })
      .expect(202);
    const status: VideoStatusView = await waitForVideo(stack.api, created.body.id);
    expect(status.status).toBe('completed');
    expect(status.scenes).toEqual([
      {
        index: 0,
        visual: {
          source: 'pexels',
          url: `${pexels.url}/files/whales-1-sd.mp4`,
          query: 'whales',
          author: 'Author 1',
          pageUrl: 'https://www.pexels.com/video/whales-1/',
          licence: 'Pexels License (https://www.pexels.com/license/)',
        },
      },
      { index: 1, visual: { source: 'background', reason: expect.stringContaining('"nothing"') } },
    ]);
    // The search asked for the frame's orientation with the key; the clip was downloaded once.
    expect(pexels.requests.find((r) => r.path === '/videos/search' && r.query.query === 'whales')).toMatchObject({ query: { orientation: 'portrait' }, authorization: TEST_PEXELS_KEY });
    expect(pexels.requests.filter((r) => r.path.startsWith('/files/')).map((r) => r.path)).toEqual(['/files/whales-1-sd.mp4']);

    const file = join(stack.config.dataDir, 'videos', `${created.body.id}.mp4`);
    const [r1, g1, b1] = centre(file, 0.5);
    expect(r1).toBeGreaterThan(200);
    expect(g1! + b1!).toBeLessThan(80);
    const [r2, , b2] = centre(file, status.result!.durationSeconds - 0.3);
    expect(b2).toBeGreaterThan(200);
    expect(r2).toBeLessThan(60);
  });

  it('refuses a provider the server has no key for, naming visuals.provider', async () => {
    const res = await stack.api.post('/api/videos').send({ topic: 'owls', visuals: { provider: 'pixabay' } }).expect(422);
    expect(JSON.stringify(res.body)).toContain('visuals.provider');
    expect(JSON.stringify(res.body)).toContain('PIXABAY_API_KEY');
  });
});

/**
 * Generated images per scene end to end: a real worker asks a local OpenAI-compatible images server for one image
 * per scene (its words decide the colour the server draws), checks and caches it, and the render moves it behind
 * the scene; an edited video asks only for the scene whose words changed.
 */
describe('visuals: a generated image per scene (OpenAI-compatible images API, local server)', () => {
  let openai: OpenAiTestServer;
  let stack: TestStack;

  beforeAll(async () => {
    openai = await startOpenAiTestServer();
    stack = await startTestStack({ IMAGES_BASE_URL: `${openai.url}/v1`, IMAGES_MODEL: 'sd-test' });
  });
  afterAll(async () => {
    await stack?.stop();
    await openai?.close();
  });

  const centre = (file: string, seconds: number) =>
    execFileSync('ffmpeg', ['-v', 'error', '-ss', String(seconds), '-i', file, '-vf', 'crop=2:2:iw/2:ih/2', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
  const make = async (scenes: Array<{ text: string; background?: { color: string } }>) => {
    const created = await stack.api
      .post('/api/videos')
      .send({ scenes, visuals: { provider: 'openai-images', style: 'poster art' }, render: { height: 568, captions: { enabled: false }, background: { color: '#000000' } } })
      .expect(202);
    const status: VideoStatusView = await waitForVideo(stack.api, created.body.id);
    expect(status.status).toBe('completed');
    return { status, file: join(stack.config.dataDir, 'videos', `${created.body.id}.mp4`) };
  };

  it('shows each scene its own image with motion, reports model and prompt, and regenerates only an edited scene', async () => {
    const scenes = [{ text: 'A red sunset over the sea.' }, { text: 'A blue whale swims by.' }, { text: 'Own background.', background: { color: '#00ff00' } }];
    const { status, file } = await make(scenes);
    expect(status.scenes).toEqual([
      { index: 0, visual: { source: 'openai-images', model: 'sd-test', prompt: expect.stringMatching(/^poster art\. .*"A red sunset over the sea\."$/) } },
      { index: 1, visual: { source: 'openai-images', model: 'sd-test', prompt: expect.stringContaining('A blue whale swims by.') } },
      { index: 2, visual: { source: 'background', reason: 'the scene has its own background' } },
    ]);
    expect(openai.requests.filter((r) => r.endpoint === 'images').map((r) => r.body.size)).toEqual(['1024x1792', '1024x1792']);
    const [r1, g1, b1] = centre(file, 0.3);
    expect(r1).toBeGreaterThan(180);
    expect(g1! + b1!).toBeLessThan(100);
    const [r2, , b2] = centre(file, status.result!.durationSeconds / 2);
    expect(b2).toBeGreaterThan(180);
    expect(r2).toBeLessThan(80);
    const [r3, g3, b3] = centre(file, status.result!.durationSeconds - 0.2);
    expect(g3).toBeGreaterThan(180);
    expect(r3! + b3!).toBeLessThan(100);

    // Edit the first scene: one new image; the second comes from the cache.
    openai.reset();
    const edited = await make([{ text: 'A yellow sunset over the sea.' }, scenes[1]!]);
    expect(openai.requests.filter((r) => r.endpoint === 'images').map((r) => r.body.prompt)).toEqual([expect.stringContaining('A yellow sunset')]);
    const [ry, gy, by] = centre(edited.file, 0.3);
    expect(ry! + gy!).toBeGreaterThan(360);
    expect(by).toBeLessThan(100);
  });
});
