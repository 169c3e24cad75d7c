import { authHeaders } from './api';

export interface StreamOptions<T> {
  url: string;
  onEvent: (data: T) => void;
  /** A terminal event ends the stream for good (no reconnect). */
  isTerminal: (data: T) => boolean;
  onError?: (error: unknown) => void;
  signal: AbortSignal;
  /** Wait before reconnecting after the stream broke (doubles up to 10 s). */
  retryMs?: number;
  fetchImpl?: typeof fetch;
}

/**
 * Server-sent events over fetch, because EventSource cannot send an Authorization header (and a key must
 * never go in a URL). Parses `event:`/`data:` lines of `status` events, reconnects when the stream ends
 * or breaks before a terminal event, and stops at a terminal one or when `signal` aborts.
 */
export async function readEventStream<T>(o: StreamOptions<T>): Promise<void> {
  const doFetch = o.fetchImpl ?? fetch;
  let wait = o.retryMs ?? 1000;
  while (!o.signal.aborted) {
    let ended = false;
    try {
      const res = await doFetch(o.url, { headers: { Accept: 'text/event-stream', ...authHeaders() }, signal: o.signal });
      if (!res.ok || !res.body) {
        const error = new Error(`event stream answered ${res.status}`);
        if (res.status >= 400 && res.status < 500 && res.status !== 429) {
          o.onError?.(error);
          return; // 401/404: reconnecting cannot help
        }
        throw error;
      }
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
          const data = parseBlock(block);
          if (data === undefined) continue;
          const parsed = JSON.parse(data) as T;
          o.onEvent(parsed);
          wait = o.retryMs ?? 1000;
          if (o.isTerminal(parsed)) {
            ended = true;
            await reader.cancel().catch(() => undefined);
            return;
          }
        }
      }
    } catch (err) {
      if (o.signal.aborted) return;
      o.onError?.(err);
    }
    if (ended || o.signal.aborted) return;
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, 10_000);
  }
}

/** The data of a `status` event block; undefined for comments, keep-alives and other events. */
export function parseBlock(block: string): string | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return event === 'status' && data.length ? data.join('\n') : undefined;
}
