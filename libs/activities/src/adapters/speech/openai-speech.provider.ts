import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type OpenAI from 'openai';
import { ProviderError } from '../provider-error';
import { fromOpenAiError } from '../openai/openai-errors';
import type { SpeechProvider, SynthesizeRequest } from './speech-provider';

/** OpenAI text-to-speech (`audio.speech`), or any OpenAI-compatible server that implements it. */
export class OpenAiSpeechProvider implements SpeechProvider {
  readonly name = 'openai';

  constructor(
    private readonly client: OpenAI,
    private readonly defaults: { model: string; voice: string },
  ) {}

  get identity(): string {
    return `openai:${this.defaults.model}:${this.defaults.voice}`;
  }

  async synthesize(request: SynthesizeRequest): Promise<void> {
    const { model } = this.defaults;
    const voice = request.voice.name ?? this.defaults.voice;
    const what = `OpenAI speech (${model}, voice ${voice})`;
    let response: Response;
    try {
      response = await this.client.audio.speech.create(
        // WAV: lossless, and the next step (loudness normalisation) decodes it without guessing.
        { model, voice, input: request.text, speed: request.voice.speed, response_format: 'wav' },
        { signal: request.signal },
      );
    } catch (err) {
      throw fromOpenAiError(err, what);
    }
    if (!response.body) throw new ProviderError(`${what} returned no audio`, { retryable: true });
    try {
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(request.output), {
        signal: request.signal,
      });
    } catch (err) {
      if (request.signal?.aborted) throw err;
      throw new ProviderError(`${what}: the audio download broke off: ${(err as Error).message}`, { retryable: true, cause: err });
    }
    if ((await stat(request.output)).size === 0) throw new ProviderError(`${what} returned an empty audio file`, { retryable: true });
  }
}
