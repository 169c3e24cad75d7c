import { ApiError } from './api-error';
import { ApiClient, type FetchFn } from './api-client';

/** A fetch that answers from a list, recording each call's method. */
function scripted(...answers: Array<() => Response>) {
  const methods: string[] = [];
  const fetchFn = (async (_url: string, init?: RequestInit) => {
    methods.push(init?.method ?? 'GET');
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    return next();
  }) as FetchFn;
  return { client: new ApiClient({ apiUrl: 'http://api.test' }, fetchFn), methods };
}

const busy = (status: 503 | 429) => () =>
  new Response(JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'Temporal is unreachable' } }), {
    status,
    headers: { 'content-type': 'application/json', 'retry-after': '0' },
  });
const ok = () => new Response(JSON.stringify({ id: 'vid-1' }), { status: 200, headers: { 'content-type': 'application/json' } });

describe('ApiClient', () => {
  it('asks a GET again after a 503 or 429 with Retry-After', async () => {
    const { client, methods } = scripted(busy(503), busy(429), ok);
    await expect(client.call(client.typed.GET('/api/videos/{id}', { params: { path: { id: 'vid-1' } } }))).resolves.toEqual({ id: 'vid-1' });
    expect(methods).toEqual(['GET', 'GET', 'GET']);
  });

  it('gives up after three tries with the API error', async () => {
    const { client, methods } = scripted(busy(503), busy(503), busy(503), ok);
    await expect(client.call(client.typed.GET('/api/videos/{id}', { params: { path: { id: 'vid-1' } } }))).rejects.toThrow(ApiError);
    expect(methods).toHaveLength(3);
  });

  it('never repeats a POST or DELETE', async () => {
    const post = scripted(busy(503), ok);
    await expect(post.client.call(post.client.typed.POST('/api/videos', { body: { topic: 'owls' } }))).rejects.toThrow('Temporal is unreachable');
    expect(post.methods).toEqual(['POST']);
    const del = scripted(busy(503), ok);
    await expect(del.client.call(del.client.typed.DELETE('/api/videos/{id}', { params: { path: { id: 'vid-1' } } }))).rejects.toThrow(ApiError);
    expect(del.methods).toEqual(['DELETE']);
  });
});
