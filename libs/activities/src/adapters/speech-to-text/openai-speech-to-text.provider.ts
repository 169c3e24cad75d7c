import { readFile, stat } from 'node:fs/promises';
import type { TranscriptSegment, TranscriptWord } from '@vidflow/media';
import OpenAI, { toFile } from 'openai';
import { fromOpenAiError } from '../openai/openai-errors';
import { ProviderError } from '../provider-error';
import { SpeechToTextError, type SpeechToTextProvider, type TranscribeRequest, type TranscribeResult } from './speech-to-text-provider';

/** OpenAI's limit on one transcription request's file (also what speaches and LocalAI accept by default). */
export const OPENAI_STT_MAX_BYTES = 25 * 1024 * 1024;

export interface OpenAiSpeechToTextOptions {
  /** Model when a request names none: `whisper-1` on OpenAI, e.g. `Systran/faster-whisper-small` on speaches. */
  model: string;
  /** Base URL of the server (part of the cache identity: another server may run another build of the model). */
  baseUrl?: string;
}

/**
 * OpenAI `audio.transcriptions` with `verbose_json` and word and segment timestamps (whisper-1), or any
 * OpenAI-compatible server that implements it (speaches / faster-whisper-server, LocalAI, whisper.cpp's server).
 * Errors are mapped as the other OpenAI adapters map them: 429/408/5xx/timeouts retryable, other 4xx not, with the
 * provider's message.
 */
export class OpenAiSpeechToTextProvider implements SpeechToTextProvider {
  readonly name = 'openai';

  constructor(
    private readonly client: OpenAI,
    private readonly options: OpenAiSpeechToTextOptions,
  ) {}

  engine(model?: string): string {
    return `openai ${model ?? this.options.model}`;
  }

  identity(model?: string): string {
    return `openai:${this.options.baseUrl ?? 'https://api.openai.com/v1'}:${model ?? this.options.model}`;
  }

  languageProblem(): string | undefined {
    return undefined;
  }

  async transcribe(request: TranscribeRequest): Promise<TranscribeResult> {
    const model = request.model ?? this.options.model;
    const what = `OpenAI transcription (${model})`;
    const { size } = await stat(request.audioPath);
    if (size > OPENAI_STT_MAX_BYTES) {
      throw new SpeechToTextError(
        `a chunk of ${size} bytes is over the provider's 25 MB per-request limit: ask for a smaller maxChunkSeconds`,
        false,
        'maxChunkSeconds',
      );
    }
    const file = await toFile(await readFile(request.audioPath), 'chunk.wav', { type: 'audio/wav' });
    let response: OpenAI.Audio.Transcriptions.TranscriptionVerbose;
    try {
      response = await this.client.audio.transcriptions.create(
        {
          file,
          model,
          response_format: 'verbose_json',
          timestamp_granularities: ['word', 'segment'],
          // Whisper takes ISO-639-1 codes: "pt" of "pt-BR".
          language: request.language.split('-')[0]!.toLowerCase(),
        },
        { signal: request.signal },
      );
    } catch (err) {
      throw fromOpenAiError(err, what);
    }
    if (!response || typeof response !== 'object' || (typeof response.text !== 'string' && !Array.isArray(response.segments))) {
      throw new ProviderError(`${what} returned no verbose_json transcript`, { retryable: true });
    }
    return { segments: verboseSegments(response) };
  }
}

/**
 * Segments with their words from a verbose_json answer. OpenAI lists words separately from segments; each word goes
 * to the segment its start falls in. An answer with words but no segments is one segment; with text alone (a server
 * that ignores timestamp_granularities), one segment over the whole audio.
 */
export function verboseSegments(r: Pick<OpenAI.Audio.Transcriptions.TranscriptionVerbose, 'text' | 'duration' | 'segments' | 'words'>): TranscriptSegment[] {
  const words: TranscriptWord[] = (r.words ?? [])
    .map((w) => ({ word: w.word.trim(), start: w.start, end: w.end }))
    .filter((w) => w.word !== '');
  const raw = (r.segments ?? []).filter((s) => s.text.trim() !== '');
  if (raw.length === 0) {
    if (words.length) return [{ start: words[0]!.start, end: words[words.length - 1]!.end, text: words.map((w) => w.word).join(' '), words }];
    const text = (r.text ?? '').trim();
    return text ? [{ start: 0, end: Number(r.duration) || 0, text }] : [];
  }
  let w = 0;
  return raw.map((s, i) => {
    const next = raw[i + 1]?.start ?? Infinity;
    const mine: TranscriptWord[] = [];
    while (w < words.length && (words[w]!.start < next || i === raw.length - 1)) mine.push(words[w++]!);
    return { start: s.start, end: s.end, text: s.text.trim(), ...(words.length ? { words: mine } : {}) };
  });
}
