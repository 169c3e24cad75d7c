import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server speaking Pexels' (`GET /videos/search`, key in `Authorization`) and Pixabay's (`GET /api/videos/`,
 * `?key=`) documented video-search JSON, for tests. Searches for `nothing` find no video; `failNext(status)` answers
 * the next search with that status (429 with `Retry-After: 7`); a wrong key is 401 (Pexels) or 400 (Pixabay, as
 * Pixabay does). Clip files are served under `/files/<name>.mp4` from `files` (a missing name is 404). Requests are recorded.
 */
export interface StockMediaTestServer {
  readonly url: string;
  readonly requests: Array<{ path: string; query: Record<string, string>; authorization?: string }>;
  failNext(status: number): void;
  close(): Promise<void>;
}

export const TEST_PEXELS_KEY = 'pexels-test-key';
export const TEST_PIXABAY_KEY = 'pixabay-test-key';

export async function startStockMediaTestServer(options: { files?: Record<string, Buffer> } = {}): Promise<StockMediaTestServer> {
  const requests: StockMediaTestServer['requests'] = [];
  const faults: number[] = [];
  let base = '';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', base);
    const query = Object.fromEntries(url.searchParams);
    requests.push({ path: url.pathname, query, authorization: req.headers.authorization });
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname.startsWith('/files/')) {
      const file = options.files?.[url.pathname.slice('/files/'.length)];
      if (!file) return json(404, { error: 'not found' });
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(file.length) });
      return res.end(file);
    }
    const fault = faults.shift();
    if (fault === 429) return json(429, { error: 'Rate limit exceeded' }, { 'retry-after': '7' });
    if (fault) return json(fault, { error: `fault ${fault}` });
    const term = query.query ?? query.q ?? '';
    if (url.pathname === '/videos/search') {
      if (req.headers.authorization !== TEST_PEXELS_KEY) return json(401, { error: 'Unauthorized' });
      const portrait = query.orientation === 'portrait';
      const videos = term === 'nothing' ? [] : [1, 2].map((n) => pexelsVideo(base, term, n, portrait));
      return json(200, { page: 1, per_page: Number(query.per_page ?? 15), total_results: videos.length, url: `${base}/search/${term}`, videos });
    }
    if (url.pathname === '/api/videos/') {
      if (query.key !== TEST_PIXABAY_KEY) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        return res.end('[ERROR 400] Invalid or missing API key');
      }
      const hits = term === 'nothing' ? [] : [1, 2].map((n) => pixabayHit(base, term, n));
      return json(200, { total: hits.length, totalHits: hits.length, hits });
    }
    json(404, { error: 'unknown endpoint' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    failNext: (status) => faults.push(status),
    close: () => {
      // Clients keep their connections alive (the media downloader does): without this, close waits for them to time out.
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const slug = (term: string) => term.replace(/\W+/g, '-');

/** Pexels' video object: several renditions; the SD one is smaller than a 1080p frame. */
function pexelsVideo(base: string, term: string, n: number, portrait: boolean) {
  const [w, h] = portrait ? [1080, 1920] : [1920, 1080];
  return {
    id: 1000 + n,
    width: w,
    height: h,
    duration: 8 + n,
    url: `https://www.pexels.com/video/${slug(term)}-${n}/`,
    image: `${base}/files/${slug(term)}-${n}.jpg`,
    user: { id: 7, name: `Author ${n}`, url: `https://www.pexels.com/@author${n}` },
    video_files: [
      { id: n * 10 + 1, quality: 'sd', file_type: 'video/mp4', width: portrait ? 540 : 960, height: portrait ? 960 : 540, fps: 25, link: `${base}/files/${slug(term)}-${n}-sd.mp4` },
      { id: n * 10 + 2, quality: 'hd', file_type: 'video/mp4', width: w, height: h, fps: 25, link: `${base}/files/${slug(term)}-${n}-hd.mp4` },
      { id: n * 10 + 3, quality: 'uhd', file_type: 'video/mp4', width: w * 2, height: h * 2, fps: 25, link: `${base}/files/${slug(term)}-${n}-uhd.mp4` },
    ],
  };
}

/** Pixabay's hit: renditions keyed large/medium/small/tiny (landscape, as most of Pixabay's videos are). */
function pixabayHit(base: string, term: string, n: number) {
  const file = (size: string, width: number, height: number) => ({ url: `${base}/files/${slug(term)}-${n}-${size}.mp4`, width, height, size: width * height, thumbnail: '' });
  return {
    id: 2000 + n,
    pageURL: `https://pixabay.com/videos/${slug(term)}-${n}/`,
    type: 'film',
    tags: term,
    duration: 10 + n,
    videos: { large: file('large', 3840, 2160), medium: file('medium', 1920, 1080), small: file('small', 1280, 720), tiny: file('tiny', 960, 540) },
    views: 1,
    downloads: 1,
    user_id: 9,
    user: `pixauthor${n}`,
    userImageURL: '',
  };
}
