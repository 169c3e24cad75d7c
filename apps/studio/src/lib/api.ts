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

/** fetch against the API with the key, JSON in and out, and the contract's error envelope as ApiError. */
export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  const headers: Record<string, string> = { Accept: 'application/json', ...authHeaders(), ...(rest.headers as Record<string, string>) };
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
  if (res.status === 401) unauthorizedListeners.forEach((l) => l());
  const text = await res.text();
  const body = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string; details?: FieldIssue[] } } | undefined)?.error;
    throw new ApiError(res.status, error?.code ?? `HTTP_${res.status}`, error?.message ?? (text || res.statusText), error?.details ?? []);
  }
  return body as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
