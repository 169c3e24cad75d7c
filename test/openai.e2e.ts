import { loadConfig } from '@vidflow/config';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../apps/api/src/create-app';
import { ffprobe } from './support/ffprobe';
import { startOpenAiTestServer, type OpenAiTestServer } from './support/openai-test-server';
import { startTestStack, testEnv, type TestStack, waitForVideo } from './support/test-stack';

/**
 * The OpenAI script writer and speech provider end to end: REST API -> Temporal -> real worker ->
 * a local OpenAI-compatible server (with injected 429s, 500s and 400s) -> ffmpeg -> MP4.
 */
describe('videos with the OpenAI providers', () => {
  let server: OpenAiTestServer;
  let stack: TestStack;

  beforeAll(async () => {
    server = await startOpenAiTestServer();
    stack = await startTestStack({
      OPENAI_BASE_URL: `${server.url}/v1`,
      OPENAI_API_KEY: 'test-key',
      OPENAI_MODEL: 'gpt-test',
      OPENAI_TTS_MODEL: 'tts-test',
      OPENAI_TTS_VOICE: 'alloy',
      OPENAI_TIMEOUT_MS: '5000',
    });
  });
  beforeEach(() => server.reset());
  afterAll(async () => {
    await stack?.stop();
    await server?.close();
  });

  const chats = () => server.requests.filter((r) => r.endpoint === 'chat');
  const speeches = () => server.requests.filter((r) => r.endpoint === 'speech');
  const openaiTopic = (topic: string, extra: Record<string, unknown> = {}) => ({
    topic,
    llm: { provider: 'openai', targetSeconds: 20 },
    voice: { provider: 'openai', name: 'nova', speed: 1.1 },
    ...extra,
  });

  it('writes the script and speaks every scene with OpenAI, and renders the MP4', async () => {
    const created = await stack.api.post('/api/videos').send(openaiTopic('lighthouses')).expect(202);
    const status = await waitForVideo(stack.api, created.body.id);
    expect(status).toMatchObject({ status: 'completed', stage: 'done' });
    expect(status.stages.script).toMatchObject({ status: 'completed', provider: 'openai:gpt-test' });
    // 20 s at 2.6 words/s asks for about 2 scenes; the test server writes as many.
    expect(status.stages.tts).toMatchObject({ status: 'completed', done: 2, total: 2 });

    expect(chats()).toHaveLength(1);
    expect(chats()[0]!.headers.authorization).toBe('Bearer test-key');
    expect(chats()[0]!.body).toMatchObject({ model: 'gpt-test', response_format: { type: 'json_schema' } });
    expect(JSON.stringify(chats()[0]!.body.messages)).toContain('Topic: lighthouses');
    // Scenes are spoken in parallel, so the requests arrive in any order.
    const bodies = speeches()
      .map((r) => r.body as { input: string })
      .sort((a, b) => a.input.localeCompare(b.input));
    expect(bodies).toEqual(
      ['Here is something worth knowing about lighthouses.', 'People who study lighthouses keep finding surprises.'].map((input) =>
        expect.objectContaining({ model: 'tts-test', voice: 'nova', speed: 1.1, response_format: 'wav', input }),
      ),
    );

    const probed = ffprobe(join(stack.config.dataDir, 'videos', `${created.body.id}.mp4`));
    expect(probed.video).toEqual({ codec: 'h264', width: 1080, height: 1920 });
    expect(probed.audio).toEqual({ codec: 'aac' });
    const narration = status.stages.tts.audioSeconds!;
    expect(Math.abs(probed.duration - narration) / narration).toBeLessThan(0.05);
  });

  it('completes through two 429s (waiting for Retry-After) and a 500, retried by Temporal', async () => {
    server.failNext(2, { status: 429, retryAfter: '1', message: 'Rate limit reached' }, 'chat');
    server.failNext(1, { status: 500, message: 'The server had an error' }, 'speech');
    const created = await stack.api.post('/api/videos').send(openaiTopic('tide pools')).expect(202);
    const status = await waitForVideo(stack.api, created.body.id);
    expect(status.status).toBe('completed');
    expect(status.stages.script.provider).toBe('openai:gpt-test');

    // One request per activity attempt (the SDK's own retries are off): 2 refused + 1 answered.
    expect(chats().map((r) => r.fault && 'status' in r.fault ? r.fault.status : 200)).toEqual([429, 429, 200]);
    const [first, second, third] = chats().map((r) => r.at);
    expect(second! - first!).toBeGreaterThanOrEqual(900);
    expect(third! - second!).toBeGreaterThanOrEqual(900);
    // Two scenes, one of them refused once.
    expect(speeches().map((r) => r.fault && 'status' in r.fault ? r.fault.status : 200).sort()).toEqual([200, 200, 500]);
  });

  it("fails the video at once, in the script stage, with the provider's message on a 400", async () => {
    server.failNext(1, { status: 400, message: "The model 'gpt-nope' does not exist" }, 'chat');
    const created = await stack.api.post('/api/videos').send(openaiTopic('volcanoes', { llm: { provider: 'openai', model: 'gpt-nope' } })).expect(202);
    const status = await waitForVideo(stack.api, created.body.id);
    expect(status.status).toBe('failed');
    expect(status.error).toMatchObject({ type: 'ProviderRejected', stage: 'script' });
    expect(status.error!.message).toContain("The model 'gpt-nope' does not exist");
    expect(status.stages.script.status).toBe('failed');
    expect(chats()).toHaveLength(1);
    expect(chats()[0]!.body.model).toBe('gpt-nope');
    expect(speeches()).toEqual([]);
  });

  it("fails the video at once, in the tts stage, with the provider's message on a 400", async () => {
    server.failNext(1, { status: 400, message: "Invalid value: 'robot'. Supported voices are: 'alloy', 'ash'" }, 'speech');
    const created = await stack.api
      .post('/api/videos')
      .send({ script: 'Hello there.', voice: { provider: 'openai', name: 'robot' } })
      .expect(202);
    const status = await waitForVideo(stack.api, created.body.id);
    expect(status.status).toBe('failed');
    expect(status.error).toMatchObject({ type: 'ProviderRejected', stage: 'tts' });
    expect(status.error!.message).toContain("Invalid value: 'robot'");
    expect(speeches()).toHaveLength(1);
    expect(chats()).toEqual([]);
  });

  it('is refused with 422 by an API that has no OpenAI settings', async () => {
    const app = await createApp(loadConfig(testEnv()), { logger: false });
    await app.init();
    try {
      const res = await request(app.getHttpServer()).post('/api/videos').send(openaiTopic('otters')).expect(422);
      expect(res.body.error.message).toContain('llm.provider');
      expect(res.body.error.message).toContain('voice.provider');
      expect(res.body.error.message).toContain('OPENAI_API_KEY');
    } finally {
      await app.close();
    }
  });
});
