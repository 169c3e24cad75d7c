import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@vidflow/config';
import { startOpenAiTestServer, type OpenAiTestServer } from '../../../test/support/openai-test-server';
import { createActivityDeps } from './activity-deps.provider';

/** Each provider kind talks to its own server (Ollama for text, Kokoro-FastAPI for speech), with its own key. */
describe('createActivityDeps: one endpoint per provider kind', () => {
  let text: OpenAiTestServer;
  let voices: OpenAiTestServer;
  let dir: string;

  beforeAll(async () => {
    [text, voices] = await Promise.all([startOpenAiTestServer(), startOpenAiTestServer()]);
    dir = mkdtempSync(join(tmpdir(), 'vidflow-deps-'));
  });
  afterAll(async () => {
    await Promise.all([text.close(), voices.close()]);
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    text.reset();
    voices.reset();
  });

  it('sends script writing to LLM_BASE_URL and speech to TTS_BASE_URL, each with its own key and model', async () => {
    const config = loadConfig(
      {
        DATA_DIR: dir,
        OPENAI_API_KEY: 'sk-openai',
        LLM_BASE_URL: `${text.url}/v1`,
        LLM_API_KEY: 'llm-key',
        LLM_MODEL: 'llama3.2',
        TTS_BASE_URL: `${voices.url}/v1`,
        TTS_MODEL: 'kokoro',
        TTS_VOICE: 'af_bella',
      },
      dir,
    );
    const deps = createActivityDeps(config);
    const scenes = await deps.scriptWriters.openai!.write({ topic: 'tide pools', language: 'en', targetSeconds: 20 });
    expect(scenes.length).toBeGreaterThan(0);
    const output = join(dir, 'a.wav');
    await deps.speech.openai!.synthesize({ text: 'Hello there.', language: 'en', voice: { provider: 'openai', speed: 1 }, output });
    expect(statSync(output).size).toBeGreaterThan(44);

    expect(text.requests.map((r) => r.endpoint)).toEqual(['chat']);
    expect(text.requests[0]!.body.model).toBe('llama3.2');
    expect(text.requests[0]!.headers.authorization).toBe('Bearer llm-key');
    expect(voices.requests.map((r) => r.endpoint)).toEqual(['speech']);
    expect(voices.requests[0]!.body).toMatchObject({ model: 'kokoro', voice: 'af_bella' });
    // OPENAI_API_KEY belongs to OpenAI: the speech server named by TTS_BASE_URL never sees it.
    expect(voices.requests[0]!.headers.authorization ?? '').not.toContain('sk-openai');
  });

  it('keeps today\'s configuration: OPENAI_BASE_URL alone serves both kinds', async () => {
    const deps = createActivityDeps(loadConfig({ DATA_DIR: dir, OPENAI_BASE_URL: `${text.url}/v1`, OPENAI_API_KEY: 'one-key', OPENAI_MODEL: 'gpt-test' }, dir));
    await deps.scriptWriters.openai!.write({ topic: 'owls', language: 'en', targetSeconds: 20 });
    await deps.speech.openai!.synthesize({ text: 'Owls.', language: 'en', voice: { provider: 'openai', speed: 1 }, output: join(dir, 'b.wav') });
    expect(text.requests.map((r) => [r.endpoint, r.headers.authorization])).toEqual([
      ['chat', 'Bearer one-key'],
      ['speech', 'Bearer one-key'],
    ]);
    expect(voices.requests).toEqual([]);
  });

  it('has no openai providers without any endpoint', () => {
    const deps = createActivityDeps(loadConfig({ DATA_DIR: dir }, dir));
    expect(deps.scriptWriters.openai).toBeUndefined();
    expect(deps.speech.openai).toBeUndefined();
  });
});
