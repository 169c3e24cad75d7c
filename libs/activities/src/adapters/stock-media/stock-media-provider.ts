import { ProviderError } from '../provider-error';

export type Orientation = 'portrait' | 'landscape' | 'square';

export interface StockSearchRequest {
  query: string;
  orientation: Orientation;
  /** The frame: a clip smaller than this in either dimension is not used (it would be upscaled). */
  minWidth: number;
  minHeight: number;
  signal?: AbortSignal;
}

/** One usable clip: the file to download and what attribution needs. */
export interface StockClip {
  source: 'pexels' | 'pixabay';
  /** The video file itself (downloaded through the media downloader). */
  url: string;
  width: number;
  height: number;
  durationSeconds?: number;
  author: string;
  /** The clip's page on the provider's site (attribution links there). */
  pageUrl: string;
  licence: string;
}

/** A stock video search (Pexels, Pixabay): clips that match the query and cover the frame, best first. */
export interface StockMediaProvider {
  readonly name: 'pexels' | 'pixabay';
  searchVideos(request: StockSearchRequest): Promise<StockClip[]>;
}

/** The orientation of a frame: what the providers' `orientation` filters take. */
export function orientationOf(width: number, height: number): Orientation {
  if (width === height) return 'square';
  return width > height ? 'landscape' : 'portrait';
}

/**
 * Maps a provider's HTTP error to retryable or not, as at every other provider: 429 waits for Retry-After, 5xx
 * retries, 401/403 is the key (permanent, naming the setting), other 4xx permanent with the provider's message.
 */
export function stockHttpError(options: { provider: string; keySetting: string; status: number; body: string; retryAfter: string | null }): ProviderError {
  const { provider, status } = options;
  const detail = options.body.trim().slice(0, 300);
  if (status === 429) {
    const seconds = Number(options.retryAfter);
    return new ProviderError(`${provider} rate limit reached (429)${detail ? `: ${detail}` : ''}`, {
      retryable: true,
      status,
      retryAfterSeconds: Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined,
    });
  }
  if (status === 401 || status === 403) {
    return new ProviderError(`${provider} refused the API key (${status}): check ${options.keySetting}${detail ? ` (${detail})` : ''}`, { retryable: false, status });
  }
  if (status >= 500) return new ProviderError(`${provider} failed (${status})${detail ? `: ${detail}` : ''}`, { retryable: true, status });
  // Pixabay answers a bad key with 400 "[ERROR 400] Invalid or missing API key".
  const keyHint = /api key/i.test(detail) ? ` (check ${options.keySetting})` : '';
  return new ProviderError(`${provider} refused the search (${status})${detail ? `: ${detail}` : ''}${keyHint}`, { retryable: false, status });
}

/** GET a JSON document with a timeout and the caller's signal; network failures are retryable. */
export async function getJson(options: { url: URL; headers?: Record<string, string>; provider: string; keySetting: string; timeoutMs: number; signal?: AbortSignal }): Promise<unknown> {
  const signals = [AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])];
  let res: Response;
  try {
    res = await fetch(options.url, { headers: { accept: 'application/json', ...options.headers }, signal: AbortSignal.any(signals) });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    throw new ProviderError(`${options.provider} could not be reached: ${(err as Error).message}`, { retryable: true, cause: err });
  }
  const body = await res.text();
  if (!res.ok) throw stockHttpError({ provider: options.provider, keySetting: options.keySetting, status: res.status, body, retryAfter: res.headers.get('retry-after') });
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new ProviderError(`${options.provider} answered with something that is not JSON`, { retryable: true, status: res.status });
  }
}
