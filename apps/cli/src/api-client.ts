import { createVidflowClient, type VidflowClient } from '@vidflow/api-client';
import { ApiError } from './api-error';
import type { CliConfig } from './cli-config';
import { apiErrorFromResponse } from './format-api-error';

export type FetchFn = typeof fetch;

/** How often a GET answered 503 or 429 is tried in all, and the longest Retry-After honoured between tries. */
const BUSY_ATTEMPTS = 3;
const MAX_RETRY_WAIT_S = 5;

/** What every call of the typed client resolves to: the data of a success, or the error body. */
interface Answer {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/**
 * The REST API as the CLI uses it: the client generated from the OpenAPI document (`typed`, from
 * @vidflow/api-client), with the CLI's transport rules around it (a GET answered 503/429 is asked again,
 * an unreachable server is one clear error) and the contract's errors as ApiError.
 */
export class ApiClient {
  readonly typed: VidflowClient;
  /** The body of each error answer as it came, for the message (the typed client gives it parsed, or as text). */
  private readonly errorTexts = new WeakMap<Response, string>();

  constructor(
    private readonly config: Pick<CliConfig, 'apiUrl' | 'apiKey'>,
    private readonly fetchFn: FetchFn = fetch,
  ) {
    this.typed = createVidflowClient({ baseUrl: config.apiUrl, apiKey: config.apiKey, fetch: (request) => this.send(request) });
  }

  get baseUrl(): string {
    return this.config.apiUrl;
  }

  /** The headers of every request (the API key), for clients of other protocols such as tus. */
  get authHeaders(): Record<string, string> {
    return this.config.apiKey ? { authorization: `Bearer ${this.config.apiKey}` } : {};
  }

  /**
   * The data of a successful answer of `pending` (a call of `typed`); an error answer becomes an ApiError
   * with the server's message and field details. `api.call(api.typed.GET('/api/videos/{id}', ...))`.
   */
  async call<A extends Answer>(pending: Promise<A>): Promise<Exclude<A['data'], undefined>> {
    const answer = await this.settle(pending);
    return answer.data as Exclude<A['data'], undefined>;
  }

  /** Like `call`, for answers whose body the caller does not read (204, or a stream it reads itself). */
  async settle<A extends Answer>(pending: Promise<A>): Promise<A> {
    let answer: A;
    try {
      answer = await pending;
    } catch (e) {
      if (e instanceof SyntaxError) throw new ApiError(`the API answered with something that is not JSON (${e.message})`, 0, 'BAD_RESPONSE');
      throw e;
    }
    const { response } = answer;
    if (!response.ok) throw apiErrorFromResponse(response.status, response.statusText, this.errorTexts.get(response) ?? '');
    return answer;
  }

  /**
   * The transport under the typed client. The injected fetch gets a URL and a plain init (method, headers,
   * body), as a test or another fetch implementation expects. A GET answered 503 (Temporal briefly
   * unreachable or slow) or 429 (rate limited) is asked again after the Retry-After the API sends (at most
   * MAX_RETRY_WAIT_S), up to BUSY_ATTEMPTS times in all: reading is safe to repeat, so a watcher does not
   * fail on a moment's load. Other methods are never repeated.
   */
  private async send(request: Request): Promise<Response> {
    const init: RequestInit = {
      method: request.method,
      headers: Object.fromEntries(request.headers),
      body: request.body ? await request.text() : undefined,
    };
    for (let attempt = 1; ; attempt++) {
      const res = await this.fetchOnce(request.url, init);
      if (request.method !== 'GET' || (res.status !== 503 && res.status !== 429) || attempt === BUSY_ATTEMPTS) return this.keepErrorText(res);
      await res.body?.cancel();
      const waitS = Math.min(MAX_RETRY_WAIT_S, Math.max(0, Number(res.headers.get('retry-after') ?? 1) || 0));
      await new Promise((r) => setTimeout(r, waitS * 1000));
    }
  }

  /** An error answer's body is read here, once, and handed on as a copy the typed client reads again. */
  private async keepErrorText(res: Response): Promise<Response> {
    if (res.ok || res.status < 400) return res;
    const text = await res.text();
    const copy = new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
    this.errorTexts.set(copy, text);
    return copy;
  }

  private async fetchOnce(url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetchFn(url, init);
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
