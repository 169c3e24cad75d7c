import type { VideoStatusView } from '@vidflow/contracts';
import { Client, Connection } from '@temporalio/client';
import { SMALL_HEIGHT, waitForVideoDone } from '../support/batch-under-fault';
import { type Fault, type OpenAiTestServer, type RecordedRequest, startOpenAiTestServer } from '../support/openai-test-server';
import { ProcessStack } from '../support/process-stack';
import { recordResults } from '../support/reliability-results';
import { activityRuns } from '../support/workflow-history';

const TIMEOUT_MS = 1500;
const RETRY_AFTER_SECONDS = 2;

/** What a request's retry carries again: the prompt of a script, the text of a scene. */
const identity = (r: RecordedRequest) => JSON.stringify(r.endpoint === 'chat' ? r.body.messages : r.body.input);
const faultKind = (f: Fault | undefined) => (!f ? 'ok' : 'status' in f ? String(f.status) : 'delayMs' in f ? 'timeout' : 'content');

/**
 * Scenario 4: the OpenAI-compatible test server answers the first calls of each endpoint with 429 (with
 * Retry-After), 500 and timeouts; every video must still complete, each refused call retried after its
 * Retry-After or Temporal's backoff (1 s, doubling). Then a 400 fails a video at once, with the provider's
 * own message in its status.
 */
describe('reliability: OpenAI provider faults', () => {
  let server: OpenAiTestServer;
  let stack: ProcessStack;
  beforeAll(async () => {
    server = await startOpenAiTestServer();
    stack = await new ProcessStack({
      basePort: 7640,
      env: {
        OPENAI_BASE_URL: `${server.url}/v1`,
        OPENAI_API_KEY: 'test-key',
        OPENAI_MODEL: 'gpt-test',
        OPENAI_TTS_MODEL: 'tts-test',
        OPENAI_TIMEOUT_MS: String(TIMEOUT_MS),
      },
    }).start();
  });
  afterAll(async () => {
    await stack?.stop();
    await server?.close();
  });

  it('completes every video through 429s, 500s and timeouts, retried with backoff', async () => {
    const retryAfter = { status: 429, retryAfter: String(RETRY_AFTER_SECONDS), message: 'Rate limit reached for requests' };
    const serverError = { status: 500, message: 'The server had an error while processing your request' };
    const timeout = { delayMs: TIMEOUT_MS * 3 };
    server.failNext(2, retryAfter, 'chat');
    server.failNext(1, serverError, 'chat');
    server.failNext(1, timeout, 'chat');
    server.failNext(1, retryAfter, 'speech');
    server.failNext(2, serverError, 'speech');
    server.failNext(1, timeout, 'speech');
    const injected = 8;

    const topics = ['lighthouses', 'tide pools', 'glaciers', 'beetles', 'comets'];
    const ids: string[] = [];
    for (const topic of topics) {
      const res = await stack.post<{ id: string }>('/api/videos', {
        topic,
        llm: { provider: 'openai', targetSeconds: 10 },
        voice: { provider: 'openai' },
        render: { height: SMALL_HEIGHT },
      });
      expect(res.status).toBe(202);
      ids.push(res.body.id);
    }
    const statuses: VideoStatusView[] = [];
    for (const id of ids) statuses.push(await waitForVideoDone(stack, id));

    // Each refused call against the next call with the same content: its retry.
    const gaps: Record<string, number[]> = { '429': [], '500': [], timeout: [] };
    server.requests.forEach((r, i) => {
      if (!r.fault) return;
      const retry = server.requests.slice(i + 1).find((n) => n.endpoint === r.endpoint && identity(n) === identity(r));
      gaps[faultKind(r.fault)]!.push(retry ? retry.at - r.at : NaN);
    });
    const connection = await Connection.connect({ address: stack.temporalAddress });
    let retries = 0;
    try {
      const client = new Client({ connection });
      for (const id of ids) retries += (await activityRuns(client, id)).reduce((sum, run) => sum + run.attempts - 1, 0);
    } finally {
      await connection.close();
    }
    const byKind = (endpoint: string) =>
      server.requests.filter((r) => r.endpoint === endpoint).reduce<Record<string, number>>((acc, r) => ((acc[faultKind(r.fault)] = (acc[faultKind(r.fault)] ?? 0) + 1), acc), {});
    recordResults('4-openai-faults', {
      videos: ids.length,
      outcomes: statuses.map((s) => s.status),
      requests: server.requests.length,
      chatRequests: byKind('chat'),
      speechRequests: byKind('speech'),
      faultsInjected: injected,
      activityRetries: retries,
      retryGapMs: Object.fromEntries(Object.entries(gaps).map(([k, v]) => [k, { min: Math.min(...v), max: Math.max(...v) }])),
      openaiTimeoutMs: TIMEOUT_MS,
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    });

    expect(statuses.map((s) => s.status)).toEqual(ids.map(() => 'completed'));
    expect(server.requests.filter((r) => r.fault)).toHaveLength(injected);
    // One activity attempt per refused call: each was retried once, by Temporal (the SDK's own retries are off).
    expect(retries).toBe(injected);
    // 429: not before Retry-After; 500 and timeouts: not before the retry policy's first interval (1 s).
    expect(gaps['429']!.every((g) => g >= RETRY_AFTER_SECONDS * 1000 - 50)).toBe(true);
    expect([...gaps['500']!, ...gaps.timeout!].every((g) => g >= 950)).toBe(true);
    expect(Object.values(gaps).flat().every(Number.isFinite)).toBe(true);
  });

  it("fails a video at once on a 400, with the provider's message in its status", async () => {
    server.reset();
    const message = "Invalid value: 'robot'. Supported voices are: 'alloy', 'ash', 'coral'";
    server.failNext(1, { status: 400, message }, 'speech');
    const res = await stack.post<{ id: string }>('/api/videos', {
      script: 'Robots talk in many voices.',
      voice: { provider: 'openai', name: 'robot' },
      render: { height: SMALL_HEIGHT },
    });
    const status = await waitForVideoDone(stack, res.body.id);
    const speech = server.requests.filter((r) => r.endpoint === 'speech');
    recordResults('4-openai-400', { outcome: status.status, error: status.error, speechRequests: speech.length });

    expect(status.status).toBe('failed');
    expect(status.error).toMatchObject({ type: 'ProviderRejected', stage: 'tts' });
    expect(status.error!.message).toContain(message);
    expect(speech).toHaveLength(1); // not retried
  });
});
