import { createVidflowClient } from '@vidflow/api-client';

/** A field named in an API error's details: `{ field: "render.fps", message: "..." }`. */
export interface FieldIssue {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

const KEY = 'vidflow.apiKey';

/** The API key for this tab (sessionStorage: gone when the tab closes; never in a URL). */
export const apiKey = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (key: string) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();
/** Called when the API answers 401: the app shows its key prompt. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function authHeaders(): Record<string, string> {
  const key = apiKey.get();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

/**
 * The generated typed client (libs/api-client, openapi-fetch): paths, parameters and bodies are checked against
 * the OpenAPI document by `npm run lint`. The key is read on every call (it can be entered after the first one),
 * so it is added here rather than fixed at creation.
 */
export const client = createVidflowClient({
  // Outside a page (the event-stream reader's unit tests import this module under Node) there is no location.
  baseUrl: globalThis.location?.origin ?? '',
  fetch: async (request) => {
    const key = apiKey.get();
    if (key) request.headers.set('Authorization', `Bearer ${key}`);
    const res = await fetch(request);
    if (res.status === 401) unauthorizedListeners.forEach((l) => l());
    return res;
  },
});

/** The body of a client call's answer, or the contract's error envelope as an ApiError. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw toApiError(response, error);
  return data as T;
}

export function toApiError(response: Response, body: unknown): ApiError {
  const error = (body as { error?: { code?: string; message?: string; details?: FieldIssue[] } } | undefined)?.error;
  const text = typeof body === 'string' ? body : '';
  return new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? (text || response.statusText || `HTTP ${response.status}`), error?.details ?? []);
}
