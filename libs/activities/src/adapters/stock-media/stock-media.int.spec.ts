import { startStockMediaTestServer, TEST_PEXELS_KEY, TEST_PIXABAY_KEY, type StockMediaTestServer } from '../../../../../test/support/stock-media-test-server';
import { ProviderError } from '../provider-error';
import { PexelsStockProvider } from './pexels-stock.provider';
import { PixabayStockProvider } from './pixabay-stock.provider';
import { orientationOf } from './stock-media-provider';

/** Pexels and Pixabay against a local server speaking their documented search JSON. */
describe('stock video search', () => {
  let server: StockMediaTestServer;
  beforeAll(async () => (server = await startStockMediaTestServer()));
  afterAll(() => server.close());
  beforeEach(() => server.requests.splice(0));

  const portrait = { orientation: orientationOf(1080, 1920), minWidth: 1080, minHeight: 1920 };
  const pexels = (apiKey = TEST_PEXELS_KEY) => new PexelsStockProvider({ apiKey, baseUrl: server.url, timeoutMs: 5000 });
  const pixabay = (apiKey = TEST_PIXABAY_KEY) => new PixabayStockProvider({ apiKey, baseUrl: server.url, timeoutMs: 5000 });
  const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as ProviderError);

  it('Pexels: searches with the key and orientation, picks the smallest MP4 that covers the frame, keeps attribution', async () => {
    const clips = await pexels().searchVideos({ query: 'deep sea', ...portrait });
    expect(server.requests[0]).toMatchObject({ path: '/videos/search', query: { query: 'deep sea', orientation: 'portrait', per_page: '15' }, authorization: TEST_PEXELS_KEY });
    expect(clips).toHaveLength(2);
    expect(clips[0]).toEqual({
      source: 'pexels',
      url: `${server.url}/files/deep-sea-1-hd.mp4`,
      width: 1080,
      height: 1920,
      durationSeconds: 9,
      author: 'Author 1',
      pageUrl: 'https://www.pexels.com/video/deep-sea-1/',
      licence: 'Pexels License (https://www.pexels.com/license/)',
    });
  });

  it('Pixabay: asks for the frame size, keeps only files of the frame\'s orientation and size', async () => {
    const landscape = await pixabay().searchVideos({ query: 'forest', orientation: 'landscape', minWidth: 1920, minHeight: 1080 });
    expect(server.requests[0]).toMatchObject({ path: '/api/videos/', query: { q: 'forest', key: TEST_PIXABAY_KEY, min_width: '1920', min_height: '1080' } });
    expect(landscape.map((c) => [c.url, c.width, c.height, c.author])).toEqual([
      [`${server.url}/files/forest-1-medium.mp4`, 1920, 1080, 'pixauthor1'],
      [`${server.url}/files/forest-2-medium.mp4`, 1920, 1080, 'pixauthor2'],
    ]);
    expect(landscape[0]!.licence).toContain('Pixabay Content License');
    // Pixabay's test clips are all landscape: nothing for a portrait frame (the caller then tries its next term).
    expect(await pixabay().searchVideos({ query: 'forest', ...portrait })).toEqual([]);
  });

  it('no result is an empty list, not an error', async () => {
    expect(await pexels().searchVideos({ query: 'nothing', ...portrait })).toEqual([]);
    expect(await pixabay().searchVideos({ query: 'nothing', orientation: 'landscape', minWidth: 1280, minHeight: 720 })).toEqual([]);
  });

  it('429 is retryable after the provider\'s Retry-After', async () => {
    server.failNext(429);
    const err = await failure(pexels().searchVideos({ query: 'sea', ...portrait }));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: true, status: 429, retryAfterSeconds: 7 });
    server.failNext(429);
    expect(await failure(pixabay().searchVideos({ query: 'sea', ...portrait }))).toMatchObject({ retryable: true, retryAfterSeconds: 7 });
  });

  it('a bad key is permanent and names the setting', async () => {
    const p = await failure(pexels('wrong').searchVideos({ query: 'sea', ...portrait }));
    expect(p).toMatchObject({ retryable: false, status: 401 });
    expect(p.message).toContain('PEXELS_API_KEY');
    const x = await failure(pixabay('wrong').searchVideos({ query: 'sea', ...portrait }));
    expect(x).toMatchObject({ retryable: false, status: 400 });
    expect(x.message).toContain('PIXABAY_API_KEY');
  });

  it('5xx and an unreachable server are retryable', async () => {
    server.failNext(503);
    expect(await failure(pexels().searchVideos({ query: 'sea', ...portrait }))).toMatchObject({ retryable: true, status: 503 });
    const gone = new PexelsStockProvider({ apiKey: TEST_PEXELS_KEY, baseUrl: 'http://127.0.0.1:1', timeoutMs: 2000 });
    expect(await failure(gone.searchVideos({ query: 'sea', ...portrait }))).toMatchObject({ retryable: true, message: expect.stringContaining('could not be reached') });
  });

  it('a clip URL that 404s is the downloader\'s concern: the server answers 404 for it', async () => {
    const [clip] = await pexels().searchVideos({ query: 'reef', ...portrait });
    expect((await fetch(clip!.url)).status).toBe(404);
  });
});
