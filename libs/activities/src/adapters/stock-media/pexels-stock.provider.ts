import { z } from 'zod';
import { ProviderError } from '../provider-error';
import { getJson, type StockClip, type StockMediaProvider, type StockSearchRequest } from './stock-media-provider';

/** The fields vidflow reads of Pexels' video search (https://www.pexels.com/api/documentation/#videos-search). */
const PexelsVideoSearch = z.object({
  videos: z.array(
    z.object({
      id: z.number(),
      url: z.string(),
      duration: z.number().optional(),
      user: z.object({ name: z.string() }),
      video_files: z.array(z.object({ link: z.string(), width: z.number().nullable(), height: z.number().nullable(), file_type: z.string().optional() })),
    }),
  ),
});

export interface PexelsOptions {
  apiKey: string;
  /** https://api.pexels.com by default; the video search lives at `<base>/videos/search`. */
  baseUrl: string;
  timeoutMs: number;
}

/**
 * Pexels video search. Orientation is Pexels' own filter; of each video the smallest MP4 that still covers the frame
 * is chosen (less to download, no upscaling); videos without one are skipped.
 */
export class PexelsStockProvider implements StockMediaProvider {
  readonly name = 'pexels';

  constructor(private readonly options: PexelsOptions) {}

  async searchVideos(request: StockSearchRequest): Promise<StockClip[]> {
    const url = new URL(`${this.options.baseUrl.replace(/\/$/, '')}/videos/search`);
    url.search = new URLSearchParams({ query: request.query, orientation: request.orientation, per_page: '15' }).toString();
    const json = await getJson({ url, headers: { authorization: this.options.apiKey }, provider: 'Pexels', keySetting: 'PEXELS_API_KEY', timeoutMs: this.options.timeoutMs, signal: request.signal });
    const parsed = PexelsVideoSearch.safeParse(json);
    if (!parsed.success) throw new ProviderError('Pexels answered with an unexpected document (no videos list)', { retryable: true });
    const clips: StockClip[] = [];
    for (const video of parsed.data.videos) {
      const file = video.video_files
        .filter((f) => (f.file_type ?? 'video/mp4') === 'video/mp4' && (f.width ?? 0) >= request.minWidth && (f.height ?? 0) >= request.minHeight)
        .sort((a, b) => a.width! * a.height! - b.width! * b.height!)[0];
      if (!file) continue;
      clips.push({
        source: 'pexels',
        url: file.link,
        width: file.width!,
        height: file.height!,
        durationSeconds: video.duration,
        author: video.user.name,
        pageUrl: video.url,
        licence: 'Pexels License (https://www.pexels.com/license/)',
      });
    }
    return clips;
  }
}
