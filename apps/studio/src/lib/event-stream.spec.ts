import { parseBlock, readEventStream } from './event-stream';

// The reader runs in the browser; here sessionStorage (the API key's home) is a plain map.
const store = new Map<string, string>();
(globalThis as { sessionStorage?: unknown }).sessionStorage = {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => store.set(k, v),
  removeItem: (k: string) => store.delete(k),
};

interface Status {
  status: string;
  progress: number;
}

function sse(text: string, status = 200): Response {
  return new Response(status === 204 ? null : text, { status, headers: { 'content-type': 'text/event-stream' } });
}

describe('parseBlock', () => {
  it('reads unnamed (message) events with their id, named events, and skips comments', () => {
    expect(parseBlock('id: 7\ndata: {"a":1}')).toEqual({ event: 'message', id: '7', data: '{"a":1}' });
    expect(parseBlock('event: end\ndata: {}')).toEqual({ event: 'end', data: '{}' });
    expect(parseBlock(': keep-alive')).toBeUndefined();
    expect(parseBlock('retry: 3000')).toBeUndefined();
  });
});

describe('readEventStream', () => {
  it('delivers status objects, resumes with Last-Event-ID after a break, and stops at event: end', async () => {
    const calls: Array<Record<string, string>> = [];
    const answers = [
      sse('retry: 3000\n\nid: 1\ndata: {"status":"running","progress":0.1}\n\n'), // then the connection drops
      sse('id: 2\ndata: {"status":"running","progress":0.5}\n\nid: 3\ndata: {"status":"completed","progress":1}\n\nevent: end\ndata: {}\n\n'),
    ];
    const seen: Status[] = [];
    store.set('vidflow.apiKey', 'k1');
    await readEventStream<Status>({
      url: '/api/videos/vid-1/events',
      onEvent: (s) => seen.push(s),
      isTerminal: () => false, // the end event alone must stop it
      signal: new AbortController().signal,
      retryMs: 1,
      fetchImpl: (async (_url: string, init: RequestInit) => {
        calls.push(init.headers as Record<string, string>);
        return answers.shift() ?? sse('', 500);
      }) as typeof fetch,
    });
    expect(seen.map((s) => s.progress)).toEqual([0.1, 0.5, 1]);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toEqual({ Accept: 'text/event-stream', Authorization: 'Bearer k1' });
    expect(calls[1]).toMatchObject({ 'Last-Event-ID': '1', Authorization: 'Bearer k1' });
    store.clear();
  });

  it('stops without retrying when the video had already finished (204) or the id is unknown (404)', async () => {
    for (const status of [204, 404]) {
      let calls = 0;
      const errors: unknown[] = [];
      await readEventStream<Status>({
        url: '/x',
        onEvent: () => undefined,
        isTerminal: () => false,
        onError: (e) => errors.push(e),
        signal: new AbortController().signal,
        retryMs: 1,
        fetchImpl: (async () => (calls++, sse('', status))) as unknown as typeof fetch,
      });
      expect(calls).toBe(1);
      expect(errors).toHaveLength(status === 404 ? 1 : 0);
    }
  });
});
