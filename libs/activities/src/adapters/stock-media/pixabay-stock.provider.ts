import { z } from 'zod';
import { ProviderError } from '../provider-error';
import { getJson, type StockClip, type StockMediaProvider, type StockSearchRequest } from './stock-media-provider';

const PixabayFile = z.object({ url: z.string(), width: z.number(), height: z.number() });

/** The fields vidflow reads of Pixabay's video search (https://pixabay.com/api/docs/#api_search_videos). */
const PixabayVideoSearch = z.object({
  hits: z.array(
    z.object({
      pageURL: z.string(),
      duration: z.number().optional(),
      user: z.string(),
      videos: z.record(z.string(), PixabayFile.or(z.object({ url: z.string() }).passthrough())),
    }),
  ),
});

export interface PixabayOptions {
  apiKey: string;
  /** https://pixabay.com by default; the video search lives at `<base>/api/videos/`. */
  baseUrl: string;
  timeoutMs: number;
}

/**
 * Pixabay video search. Pixabay has no orientation filter for videos: `min_width`/`min_height` ask for the frame's
 * size and the orientation is checked on each file; the smallest file that covers the frame is chosen.
 */
export class PixabayStockProvider implements StockMediaProvider {
  readonly name = 'pixabay';

  constructor(private readonly options: PixabayOptions) {}

  async searchVideos(request: StockSearchRequest): Promise<StockClip[]> {
    const url = new URL(`${this.options.baseUrl.replace(/\/$/, '')}/api/videos/`);
    url.search = new URLSearchParams({
      key: this.options.apiKey,
      q: request.query.slice(0, 100),
      min_width: String(request.minWidth),
      min_height: String(request.minHeight),
      per_page: '20',
      safesearch: 'true',
    }).toString();
    const json = await getJson({ url, provider: 'Pixabay', keySetting: 'PIXABAY_API_KEY', timeoutMs: this.options.timeoutMs, signal: request.signal });
    const parsed = PixabayVideoSearch.safeParse(json);
    if (!parsed.success) throw new ProviderError('Pixabay answered with an unexpected document (no hits list)', { retryable: true });
    const clips: StockClip[] = [];
    for (const hit of parsed.data.hits) {
      const file = Object.values(hit.videos)
        .filter((f): f is z.output<typeof PixabayFile> => 'width' in f && typeof f.width === 'number' && typeof f.height === 'number' && f.url !== '')
        .filter((f) => f.width >= request.minWidth && f.height >= request.minHeight && sameOrientation(f, request.orientation))
        .sort((a, b) => a.width * a.height - b.width * b.height)[0];
      if (!file) continue;
      clips.push({ source: 'pixabay', url: file.url, width: file.width, height: file.height, durationSeconds: hit.duration, author: hit.user, pageUrl: hit.pageURL, licence: 'Pixabay Content License (https://pixabay.com/service/license-summary/)' });
    }
    return clips;
  }
}

function sameOrientation(f: { width: number; height: number }, orientation: StockSearchRequest['orientation']): boolean {
  if (orientation === 'square') return true; // a wider clip is cropped to the square
  return orientation === 'landscape' ? f.width > f.height : f.height > f.width;
}
