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
 * never go in a URL). Follows the server's EventSource protocol (README, "HTTP behaviour for clients"):
 * status objects are unnamed (`message`) events, `event: end` closes the stream for good, a reconnect sends
 * `Last-Event-ID` so nothing is repeated, and a 204 means the video had already finished. Reconnects when the
 * stream breaks before a terminal event; stops at a terminal one or when `signal` aborts.
 */
export async function readEventStream<T>(o: StreamOptions<T>): Promise<void> {
  const doFetch = o.fetchImpl ?? fetch;
  let wait = o.retryMs ?? 1000;
  let lastEventId: string | undefined;
  while (!o.signal.aborted) {
    try {
      const headers: Record<string, string> = { Accept: 'text/event-stream', ...authHeaders() };
      if (lastEventId !== undefined) headers['Last-Event-ID'] = lastEventId;
      const res = await doFetch(o.url, { headers, signal: o.signal });
      if (res.status === 204) return; // finished before this (re)connection: no more events
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
          const message = parseBlock(block);
          if (message?.id !== undefined) lastEventId = message.id;
          if (message?.event === 'end') {
            await reader.cancel().catch(() => undefined);
            return;
          }
          if (message?.event !== 'message' || message.data === undefined) continue;
          const parsed = JSON.parse(message.data) as T;
          o.onEvent(parsed);
          wait = o.retryMs ?? 1000;
          if (o.isTerminal(parsed)) {
            await reader.cancel().catch(() => undefined);
            return;
          }
        }
      }
    } catch (err) {
      if (o.signal.aborted) return;
      o.onError?.(err);
    }
    if (o.signal.aborted) return;
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, 10_000);
  }
}

/** One event block: its type (`message` unless named), id and data; undefined for comments and keep-alives. */
export function parseBlock(block: string): { event: string; id?: string; data?: string } | undefined {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'id') id = value;
    else if (field === 'data') data.push(value);
  }
  if (!data.length && id === undefined && event === 'message') return undefined;
  return { event, ...(id !== undefined ? { id } : {}), ...(data.length ? { data: data.join('\n') } : {}) };
}
