import { describe, expect, it } from 'vitest';
import { readEventStream } from './event-stream';

const sse = (text: string, status = 200) => new Response(text, { status, headers: { 'content-type': 'text/event-stream' } });

describe('readEventStream in the browser (happy-dom)', () => {
  it('stops at a terminal status without an end event and without reconnecting', async () => {
    let calls = 0;
    const seen: string[] = [];
    await readEventStream<{ status: string }>({
      url: '/api/transcriptions/trn-1/events',
      onEvent: (s) => seen.push(s.status),
      isTerminal: (s) => s.status === 'failed',
      signal: new AbortController().signal,
      retryMs: 1,
      fetchImpl: (async () => (calls++, sse('id: 1\ndata: {"status":"running"}\n\nid: 2\ndata: {"status":"failed"}\n\ndata: {"status":"never"}\n\n'))) as typeof fetch,
    });
    expect(seen).toEqual(['running', 'failed']);
    expect(calls).toBe(1);
  });

  it('reconnects after a 503 with the key from sessionStorage, then reads on', async () => {
    sessionStorage.setItem('vidflow.apiKey', 'k2');
    const answers = [sse('', 503), sse('id: 9\ndata: {"status":"completed"}\n\n')];
    const headers: Array<Record<string, string>> = [];
    const errors: unknown[] = [];
    const seen: string[] = [];
    await readEventStream<{ status: string }>({
      url: '/x',
      onEvent: (s) => seen.push(s.status),
      isTerminal: (s) => s.status === 'completed',
      onError: (e) => errors.push(e),
      signal: new AbortController().signal,
      retryMs: 1,
      fetchImpl: (async (_u: string, init: RequestInit) => (headers.push(init.headers as Record<string, string>), answers.shift()!)) as typeof fetch,
    });
    expect(seen).toEqual(['completed']);
    expect(errors).toHaveLength(1);
    expect(headers.map((h) => h.Authorization)).toEqual(['Bearer k2', 'Bearer k2']);
    sessionStorage.clear();
  });
});
