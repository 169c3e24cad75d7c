import { startOpenAiTestServer, type OpenAiTestServer } from '../../../../../test/support/openai-test-server';
import { ProviderError } from '../provider-error';
import { createOpenAiClient, type OpenAiClient } from '../openai/openai-client';
import { buildScriptMessages, cleanKeywords, OpenAiScriptWriter, parseScriptContent, SCRIPT_JSON_SCHEMA } from './openai-script-writer';
import type { WriteScriptRequest } from './script-writer';

const request = (o: Partial<WriteScriptRequest> = {}): WriteScriptRequest => ({ topic: 'tide pools', language: 'en', targetSeconds: 60, ...o });
const userPrompt = (r: WriteScriptRequest) => buildScriptMessages(r)[1]!.content as string;

describe('buildScriptMessages', () => {
  it('asks for the topic, language, style and a length from targetSeconds at 2.6 words/s', () => {
    const prompt = userPrompt(request({ topic: '  the   deep sea ', language: 'fr', style: 'calm, for children' }));
    expect(prompt).toContain('Topic: the deep sea');
    expect(prompt).toContain('"fr"');
    expect(prompt).toContain('Style: calm, for children');
    expect(prompt).toContain('about 156 words'); // 60 s * 2.6
    expect(prompt).toContain('about 6 scenes');
    expect(buildScriptMessages(request())[0]).toMatchObject({ role: 'system' });
  });

  it('scales the length and leaves the style out when none is given', () => {
    const prompt = userPrompt(request({ targetSeconds: 10 }));
    expect(prompt).toContain('about 26 words');
    expect(prompt).toContain('about 1 scene.');
    expect(prompt).not.toContain('Style:');
  });
});

describe('SCRIPT_JSON_SCHEMA', () => {
  it('is valid for strict structured output: every property required, no additional properties', () => {
    expect(SCRIPT_JSON_SCHEMA).toMatchObject({ required: ['scenes'], additionalProperties: false });
    expect(SCRIPT_JSON_SCHEMA.properties.scenes.items).toMatchObject({ required: ['text', 'keywords'], additionalProperties: false });
    expect(Object.keys(SCRIPT_JSON_SCHEMA.properties.scenes.items.properties)).toEqual(['text', 'keywords']);
  });

  it('asks for search terms per scene in the system prompt', () => {
    const [system] = buildScriptMessages({ topic: 'whales', language: 'en', targetSeconds: 20 });
    expect(system!.content).toContain('search terms for stock footage');
  });
});

describe('cleanKeywords', () => {
  it('trims, drops blanks, case-insensitive repeats and terms over 60 characters, and keeps at most five', () => {
    expect(cleanKeywords([' humpback  whale ', '', 'Ocean', 'ocean', 'x'.repeat(61), 'a', 'b', 'c', 'd'])).toEqual(['humpback whale', 'Ocean', 'a', 'b', 'c']);
    expect(cleanKeywords(undefined)).toEqual([]);
  });
});

describe('parseScriptContent', () => {
  it('reads scenes, dropping blank ones and extra whitespace', () => {
    expect(parseScriptContent('{"scenes":[{"text":" One.\\n Two. "},{"text":"  "},{"text":"Three."}]}', 'm')).toEqual([
      { text: 'One. Two.' },
      { text: 'Three.' },
    ]);
  });

  it("keeps each scene's search terms, and leaves them out when the model gave none (the search then uses the scene's words)", () => {
    expect(parseScriptContent('{"scenes":[{"text":"Whales sing.","keywords":[" humpback whale ","ocean"]},{"text":"Bye.","keywords":[" "]},{"text":"Ok."}]}', 'm')).toEqual([
      { text: 'Whales sing.', keywords: ['humpback whale', 'ocean'] },
      { text: 'Bye.' },
      { text: 'Ok.' },
    ]);
  });

  it('accepts JSON in a code fence (servers without structured output)', () => {
    expect(parseScriptContent('```json\n{"scenes":[{"text":"Hi."}]}\n```', 'm')).toEqual([{ text: 'Hi.' }]);
  });

  it.each([
    ['not JSON', 'Sure! Here is your script: ...', /not JSON/],
    ['no content', null, /not JSON/],
    ['the wrong shape', '{"script":"Hello."}', /without the expected scenes \(scenes:/],
    ['a scene without text', '{"scenes":[{"words":"Hello."}]}', /scenes\.0\.text/],
    ['no scenes', '{"scenes":[]}', /no scenes/],
    ['only blank scenes', '{"scenes":[{"text":" "}]}', /no scenes/],
  ])('rejects %s as a retryable ProviderError', (_case, content, message) => {
    let err: unknown;
    try {
      parseScriptContent(content, 'OpenAI chat model m');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: true, message: expect.stringMatching(message) });
  });
});

describe('OpenAiScriptWriter against an OpenAI-compatible server', () => {
  let server: OpenAiTestServer;
  let openai: OpenAiClient;
  let writer: OpenAiScriptWriter;

  beforeAll(async () => {
    server = await startOpenAiTestServer();
    openai = createOpenAiClient({ apiKey: 'test-key', baseUrl: `${server.url}/v1`, timeoutMs: 500, maxConnections: 4 });
    writer = new OpenAiScriptWriter(openai.client, 'gpt-test');
  });
  beforeEach(() => server.reset());
  afterAll(async () => {
    openai?.close();
    await server?.close();
  });

  const failure = (r: WriteScriptRequest = request()) => writer.write(r).then(
    () => {
      throw new Error('expected the write to fail');
    },
    (e: unknown) => e as ProviderError,
  );

  it('is called openai:<default model>', () => {
    expect(writer.name).toBe('openai:gpt-test');
  });

  it('writes the scenes of a structured-output answer, with the key, model and JSON schema in the request', async () => {
    const scenes = await writer.write(request({ topic: 'lighthouses', targetSeconds: 30 }));
    expect(scenes).toEqual([
      { text: 'Here is something worth knowing about lighthouses.', keywords: ['lighthouses'] },
      { text: 'People who study lighthouses keep finding surprises.', keywords: ['lighthouses 2'] },
      { text: 'That was lighthouses, in a few words.', keywords: ['lighthouses 3'] },
    ]);
    expect(server.requests).toHaveLength(1);
    const [sent] = server.requests;
    expect(sent!.headers.authorization).toBe('Bearer test-key');
    expect(sent!.body).toMatchObject({
      model: 'gpt-test',
      response_format: { type: 'json_schema', json_schema: { name: 'video_script', strict: true, schema: SCRIPT_JSON_SCHEMA } },
    });
    expect(JSON.stringify(sent!.body.messages)).toContain('Topic: lighthouses');
  });

  it("uses the request's model over the default", async () => {
    await writer.write(request({ model: 'llama3.2:3b' }));
    expect(server.requests[0]!.body.model).toBe('llama3.2:3b');
  });

  it('makes a 429 retryable after Retry-After, with one request only (the SDK does not retry)', async () => {
    server.failNext(1, { status: 429, retryAfter: '7', message: 'Rate limit reached for requests' });
    const err = await failure();
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: true, retryAfterSeconds: 7, status: 429 });
    expect(err.message).toContain('Rate limit reached for requests');
    expect(server.requests).toHaveLength(1);
  });

  it('makes a 500 retryable, with one request only', async () => {
    server.failNext(1, { status: 500, message: 'The server had an error' });
    expect(await failure()).toMatchObject({ name: 'ProviderError', retryable: true, status: 500, retryAfterSeconds: undefined });
    expect(server.requests).toHaveLength(1);
  });

  it('makes a timeout retryable', async () => {
    server.failNext(1, { delayMs: 3000 });
    const err = await failure();
    expect(err).toMatchObject({ name: 'ProviderError', retryable: true });
    expect(err.message).toMatch(/timed out/i);
    expect(server.requests).toHaveLength(1);
  });

  it("makes a 400 non-retryable, with the provider's message", async () => {
    server.failNext(1, { status: 400, message: "The model 'gpt-nope' does not exist" });
    const err = await failure(request({ model: 'gpt-nope' }));
    expect(err).toMatchObject({ name: 'ProviderError', retryable: false, status: 400 });
    expect(err.message).toContain("The model 'gpt-nope' does not exist");
  });

  it('makes an answer that is not JSON retryable', async () => {
    server.failNext(1, { content: 'Once upon a time...' }, 'chat');
    expect(await failure()).toMatchObject({ name: 'ProviderError', retryable: true, message: expect.stringContaining('not JSON') });
  });

  it('makes a connection refused retryable', async () => {
    const closed = createOpenAiClient({ baseUrl: 'http://127.0.0.1:9/v1', timeoutMs: 2000, maxConnections: 1 });
    const err = await new OpenAiScriptWriter(closed.client, 'm').write(request()).catch((e: unknown) => e);
    closed.close();
    expect(err).toMatchObject({ name: 'ProviderError', retryable: true, message: expect.stringContaining('Connection error') });
  });
});
