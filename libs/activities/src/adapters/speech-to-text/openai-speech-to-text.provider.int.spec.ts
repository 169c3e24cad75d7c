import { FfmpegRunner } from '@vidflow/media';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sineWav, startOpenAiTestServer, testTranscript, type OpenAiTestServer } from '../../../../../test/support/openai-test-server';
import { createOpenAiClient, type OpenAiClient } from '../openai/openai-client';
import { ProviderError } from '../provider-error';
import { OPENAI_STT_MAX_BYTES, OpenAiSpeechToTextProvider } from './openai-speech-to-text.provider';
import { SpeechToTextError } from './speech-to-text-provider';

describe('OpenAiSpeechToTextProvider against an OpenAI-compatible server', () => {
  const runner = new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' });
  let server: OpenAiTestServer;
  let openai: OpenAiClient;
  let provider: OpenAiSpeechToTextProvider;
  let dir: string;
  let chunk: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vidflow-openai-stt-'));
    server = await startOpenAiTestServer();
    openai = createOpenAiClient({ apiKey: 'stt-key', baseUrl: `${server.url}/v1`, timeoutMs: 2000, maxConnections: 2 });
    provider = new OpenAiSpeechToTextProvider(openai.client, { model: 'whisper-1', baseUrl: `${server.url}/v1` });
    // A 16 kHz mono chunk as the activity cuts it: 3.2 s -> words w0..w5 in two segments.
    const tone = join(dir, 'tone.wav');
    writeFileSync(tone, sineWav(3.2, 24_000));
    chunk = join(dir, 'chunk.wav');
    await runner.run({ inputs: [{ source: tone, options: [] }], outputOptions: ['-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le'], output: chunk });
  });
  beforeEach(() => server.reset());
  afterAll(async () => {
    openai?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const failure = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected the transcription to fail');
      },
      (e: unknown) => e as ProviderError,
    );

  it('sends the chunk as multipart with verbose_json, word and segment granularities and the ISO-639-1 language', async () => {
    const { segments } = await provider.transcribe({ audioPath: chunk, language: 'en-GB' });
    const expected = testTranscript(3.2);
    expect(segments).toEqual(
      expected.segments.map((s) => ({
        start: s.start,
        end: s.end,
        text: s.text.trim(),
        words: expected.words.filter((w) => w.start >= s.start && w.start <= s.end),
      })),
    );
    expect(segments.flatMap((s) => s.words!.map((w) => w.word))).toEqual(['w0', 'w1', 'w2', 'w3', 'w4', 'w5']);
    const [req] = server.requests;
    expect(req!.path).toBe('/v1/audio/transcriptions');
    expect(req!.headers.authorization).toBe('Bearer stt-key');
    expect(req!.body).toMatchObject({
      model: 'whisper-1',
      response_format: 'verbose_json',
      'timestamp_granularities[]': ['word', 'segment'],
      language: 'en',
      file: { filename: 'chunk.wav' },
    });
  });

  it('uses the request model over the default, and names it in the engine and cache identity', async () => {
    await provider.transcribe({ audioPath: chunk, language: 'de', model: 'Systran/faster-whisper-small' });
    expect(server.requests[0]!.body).toMatchObject({ model: 'Systran/faster-whisper-small', language: 'de' });
    expect(provider.engine('Systran/faster-whisper-small')).toBe('openai Systran/faster-whisper-small');
    expect(provider.identity()).not.toBe(provider.identity('Systran/faster-whisper-small'));
  });

  it('makes a 429 retryable with the server Retry-After', async () => {
    server.failNext(1, { status: 429, message: 'Rate limit reached for whisper-1', retryAfter: '7' }, 'transcription');
    const err = await failure(provider.transcribe({ audioPath: chunk, language: 'en' }));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: true, status: 429, retryAfterSeconds: 7 });
    expect(err.message).toContain('Rate limit reached for whisper-1');
  });

  it('makes a 500 retryable', async () => {
    server.failNext(1, { status: 500, message: 'The server had an error' }, 'transcription');
    const err = await failure(provider.transcribe({ audioPath: chunk, language: 'en' }));
    expect(err).toMatchObject({ retryable: true, status: 500 });
    expect(err.message).toContain('The server had an error');
  });

  it("makes a 400 final, with the provider's own message", async () => {
    server.failNext(1, { status: 400, message: "Invalid language 'xx'. Language parameter must be specified in ISO-639-1 format." }, 'transcription');
    const err = await failure(provider.transcribe({ audioPath: chunk, language: 'xx' }));
    expect(err).toMatchObject({ retryable: false, status: 400 });
    expect(err.message).toBe(
      "OpenAI transcription (whisper-1) was rejected (400): Invalid language 'xx'. Language parameter must be specified in ISO-639-1 format.",
    );
  });

  it('refuses a chunk over 25 MB before sending it, naming maxChunkSeconds', async () => {
    const big = join(dir, 'big.wav');
    writeFileSync(big, '');
    truncateSync(big, OPENAI_STT_MAX_BYTES + 1);
    const err = (await failure(provider.transcribe({ audioPath: big, language: 'en' }))) as unknown as SpeechToTextError;
    expect(err).toBeInstanceOf(SpeechToTextError);
    expect(err).toMatchObject({ retryable: false, field: 'maxChunkSeconds' });
    expect(server.requests).toHaveLength(0);
  });
});
