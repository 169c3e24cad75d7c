import { startOpenAiTestServer, type OpenAiTestServer } from '../../../../../test/support/openai-test-server';
import { createOpenAiClient } from './openai-client';

describe('createOpenAiClient', () => {
  let server: OpenAiTestServer;

  beforeAll(async () => {
    server = await startOpenAiTestServer();
  });
  beforeEach(() => server.reset());
  afterAll(async () => {
    await server?.close();
  });

  const speak = (client: ReturnType<typeof createOpenAiClient>['client'], input = 'Hello there.') =>
    client.audio.speech.create({ model: 'tts-test', voice: 'alloy', input, response_format: 'wav' }).then((r) => r.arrayBuffer());

  it('reuses one keep-alive connection for requests one after another', async () => {
    const openai = createOpenAiClient({ apiKey: 'k', baseUrl: `${server.url}/v1`, timeoutMs: 2000, maxConnections: 4 });
    try {
      for (let i = 0; i < 3; i++) await speak(openai.client);
      expect(server.requests).toHaveLength(3);
      expect(new Set(server.requests.map((r) => r.remotePort)).size).toBe(1);
    } finally {
      openai.close();
    }
  });

  it('opens at most maxConnections connections; further requests wait for one', async () => {
    const openai = createOpenAiClient({ apiKey: 'k', baseUrl: `${server.url}/v1`, timeoutMs: 5000, maxConnections: 2 });
    try {
      server.failNext(6, { delayMs: 100 });
      const bodies = await Promise.all(Array.from({ length: 6 }, () => speak(openai.client)));
      expect(bodies.every((b) => b.byteLength > 44)).toBe(true);
      expect(server.requests).toHaveLength(6);
      expect(server.maxOpenConnections).toBe(2);
    } finally {
      openai.close();
    }
  });

  it('sends a placeholder bearer token when no key is configured (local servers ignore it)', async () => {
    const openai = createOpenAiClient({ baseUrl: `${server.url}/v1`, timeoutMs: 2000, maxConnections: 1 });
    try {
      await speak(openai.client);
      expect(server.requests[0]!.headers.authorization).toBe('Bearer no-key');
    } finally {
      openai.close();
    }
  });

  it('gives error statuses to the SDK as they are, without retrying', async () => {
    const openai = createOpenAiClient({ apiKey: 'k', baseUrl: `${server.url}/v1`, timeoutMs: 2000, maxConnections: 1 });
    try {
      server.failNext(1, { status: 502, message: 'bad gateway' });
      await expect(speak(openai.client)).rejects.toMatchObject({ status: 502 });
      expect(server.requests).toHaveLength(1);
    } finally {
      openai.close();
    }
  });
});
