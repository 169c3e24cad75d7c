import { ApiError } from './api-error';
import type { CliConfig } from './cli-config';
import { apiErrorFromResponse } from './format-api-error';

export type FetchFn = typeof fetch;

/** The REST API as the CLI uses it: JSON in and out, the contract's errors as ApiError. */
export class ApiClient {
  constructor(
    private readonly config: Pick<CliConfig, 'apiUrl' | 'apiKey'>,
    private readonly fetchFn: FetchFn = fetch,
  ) {}

  get baseUrl(): string {
    return this.config.apiUrl;
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
    const res = await this.send(method, path, body);
    const text = await res.text();
    if (!res.ok) throw apiErrorFromResponse(res.status, res.statusText, text);
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(`the API answered ${method} ${path} with something that is not JSON: ${text.slice(0, 200)}`, res.status, 'BAD_RESPONSE');
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
