import { ApiError } from './api-error';
import type { CliConfig } from './cli-config';
import { apiErrorFromResponse } from './format-api-error';

export type FetchFn = typeof fetch;

/** How often a GET answered 503 or 429 is tried in all, and the longest Retry-After honoured between tries. */
const BUSY_ATTEMPTS = 3;
const MAX_RETRY_WAIT_S = 5;

/** The REST API as the CLI uses it: JSON in and out, the contract's errors as ApiError. */
export class ApiClient {
  constructor(
    private readonly config: Pick<CliConfig, 'apiUrl' | 'apiKey'>,
    private readonly fetchFn: FetchFn = fetch,
  ) {}

  get baseUrl(): string {
    return this.config.apiUrl;
  }

  /** The headers of every request (the API key), for clients of other protocols such as tus. */
  get authHeaders(): Record<string, string> {
    return this.config.apiKey ? { authorization: `Bearer ${this.config.apiKey}` } : {};
  }

  async get<T>(path: string): Promise<T> {
    return this.json<T>('GET', path);
  }

  async post<T>(path: string, body?: unknown): Promise<T> {
    return this.json<T>('POST', path, body);
  }

  async delete<T>(path: string): Promise<T> {
    return this.json<T>('DELETE', path);
  }

  /** A successful response whose body the caller reads (a file download); errors as ApiError. */
  async raw(method: string, path: string): Promise<Response> {
    const res = await this.send(method, path);
    if (!res.ok) throw apiErrorFromResponse(res.status, res.statusText, await res.text());
    return res;
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = method === 'GET' ? await this.sendRetryingBusy(path) : await this.send(method, path, body);
    const text = await res.text();
    if (!res.ok) throw apiErrorFromResponse(res.status, res.statusText, text);
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(`the API answered ${method} ${path} with something that is not JSON: ${text.slice(0, 200)}`, res.status, 'BAD_RESPONSE');
    }
  }

  /**
   * A GET answered 503 (Temporal briefly unreachable or slow) or 429 (rate limited) is asked again after
   * the Retry-After the API sends (at most MAX_RETRY_WAIT_S), up to BUSY_ATTEMPTS times in all: reading
   * is safe to repeat, so a watcher does not fail on a moment's load. Other methods are never repeated.
   */
  private async sendRetryingBusy(path: string): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      const res = await this.send('GET', path);
      if ((res.status !== 503 && res.status !== 429) || attempt === BUSY_ATTEMPTS) return res;
      await res.body?.cancel();
      const waitS = Math.min(MAX_RETRY_WAIT_S, Math.max(0, Number(res.headers.get('retry-after') ?? 1) || 0));
      await new Promise((r) => setTimeout(r, waitS * 1000));
    }
  }

  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.config.apiKey) headers.authorization = `Bearer ${this.config.apiKey}`;
    try {
      return await this.fetchFn(`${this.config.apiUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      // undici reports connection problems as `TypeError: fetch failed` with the reason in `cause`.
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (e as Error).message;
      throw new ApiError(
        `cannot reach the vidflow API at ${this.config.apiUrl} (${reason}); is it running? (set VIDFLOW_API_URL)`,
        0,
        'UNREACHABLE',
      );
    }
  }
}

/** `/api/videos/<id>` with the id escaped: ids come from the command line. */
export function apiPath(...segments: string[]): string {
  return `/api/${segments.map((s) => encodeURIComponent(s)).join('/')}`;
}
