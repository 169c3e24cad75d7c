import { FfmpegRunner } from '@vidflow/media';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APIUserAbortError } from 'openai';
import { startOpenAiTestServer, type OpenAiTestServer } from '../../../../../test/support/openai-test-server';
import { ProviderError } from '../provider-error';
import { createOpenAiClient, type OpenAiClient } from '../openai/openai-client';
import { OpenAiSpeechProvider } from './openai-speech.provider';
import type { SynthesizeRequest } from './speech-provider';

describe('OpenAiSpeechProvider against an OpenAI-compatible server', () => {
  const runner = new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' });
  let server: OpenAiTestServer;
  let openai: OpenAiClient;
  let provider: OpenAiSpeechProvider;
  let dir: string;
  let n = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vidflow-openai-tts-'));
    server = await startOpenAiTestServer();
    openai = createOpenAiClient({ apiKey: 'test-key', baseUrl: `${server.url}/v1`, timeoutMs: 500, maxConnections: 4 });
    provider = new OpenAiSpeechProvider(openai.client, { model: 'tts-test', voice: 'alloy' });
  });
  beforeEach(() => server.reset());
  afterAll(async () => {
    openai?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const request = (o: Partial<SynthesizeRequest> = {}): SynthesizeRequest => ({
    text: 'Octopuses have three hearts and blue blood.',
    language: 'en',
    voice: { provider: 'openai', speed: 1 },
    output: join(dir, `speech-${++n}`),
    ...o,
  });
  const failure = (r: SynthesizeRequest = request()) =>
    provider.synthesize(r).then(
      () => {
        throw new Error('expected synthesis to fail');
      },
      (e: unknown) => e as ProviderError,
    );

  it('is called "openai"', () => {
    expect(provider.name).toBe('openai');
  });

  it('writes the WAV it gets back, asking with the model, default voice, speed and text', async () => {
    const r = request({ voice: { provider: 'openai', speed: 1.25 } });
    await provider.synthesize(r);
    const probe = await runner.probe(r.output);
    expect(probe.format).toBe('wav');
    expect(probe.streams).toEqual([{ type: 'audio', codec: 'pcm_s16le' }]);
    expect(probe.durationSeconds).toBeGreaterThan(1);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers.authorization).toBe('Bearer test-key');
    expect(server.requests[0]!.body).toEqual({
      model: 'tts-test',
      voice: 'alloy',
      input: 'Octopuses have three hearts and blue blood.',
      speed: 1.25,
      response_format: 'wav',
    });
  });

  it('uses voice.name over the default voice', async () => {
    await provider.synthesize(request({ voice: { provider: 'openai', name: 'nova', speed: 1 } }));
    expect(server.requests[0]!.body.voice).toBe('nova');
  });

  it('makes a 429 retryable after Retry-After given as an HTTP date', async () => {
    const at = new Date(Date.now() + 30_000).toUTCString();
    server.failNext(1, { status: 429, retryAfter: at });
    const err = await failure();
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: true, status: 429 });
    // HTTP dates have whole seconds, so 29-30 s remain.
    expect(err.retryAfterSeconds).toBeGreaterThan(28);
    expect(err.retryAfterSeconds).toBeLessThanOrEqual(30);
    expect(server.requests).toHaveLength(1);
  });

  it('makes a 500 and a 503 retryable, the 503 honouring its Retry-After', async () => {
    server.failNext(1, { status: 500 });
    expect(await failure()).toMatchObject({ retryable: true, status: 500 });
    server.failNext(1, { status: 503, retryAfter: '2' });
    expect(await failure()).toMatchObject({ retryable: true, status: 503, retryAfterSeconds: 2 });
    expect(server.requests).toHaveLength(2);
  });

  it('makes a timeout retryable', async () => {
    server.failNext(1, { delayMs: 3000 });
    const err = await failure();
    expect(err).toMatchObject({ name: 'ProviderError', retryable: true });
    expect(err.message).toMatch(/timed out/i);
  });

  it("makes a 400 non-retryable, with the provider's message", async () => {
    server.failNext(1, { status: 400, message: "Invalid value: 'robot'. Supported voices are: 'alloy', 'ash'" });
    const err = await failure(request({ voice: { provider: 'openai', name: 'robot', speed: 1 } }));
    expect(err).toMatchObject({ name: 'ProviderError', retryable: false, status: 400 });
    expect(err.message).toContain("Invalid value: 'robot'");
  });

  it('makes a rejected key (401) non-retryable', async () => {
    server.failNext(1, { status: 401, message: 'Incorrect API key provided' });
    expect(await failure()).toMatchObject({ retryable: false, status: 401, message: expect.stringContaining('Incorrect API key provided') });
  });

  it('stops when cancelled, with the cancellation rather than a ProviderError', async () => {
    server.failNext(1, { delayMs: 3000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await failure(request({ signal: controller.signal }));
    expect(err).toBeInstanceOf(APIUserAbortError);
  });
});
