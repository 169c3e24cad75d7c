import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes, type TranscribeChunkInput, type TranscribedChunk } from '@vidflow/contracts';
import { buildChunkCutArgs, type TranscriptSegment } from '@vidflow/media';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { ActivityDeps } from '../activity-deps';
import { toFailure } from './failures';
import { StageCache, stageKey } from './stage-cache';
import { chunkTranscriptFile } from './transcription-paths';

/** What the cache keeps per chunk, and what the chunk's transcript file holds. */
export interface ChunkTranscriptValue {
  engine: string;
  segments: TranscriptSegment[];
}

/**
 * One chunk: cut it from the extracted audio (sample-exact, bit-exact bytes), look its transcript up in the cache by
 * the sha256 of those bytes plus provider, model and language, else run the recogniser (killed on cancellation) and
 * cache the result. The transcript goes to the work folder as a file; only a summary returns to the workflow. So a
 * repeated or resumed job transcribes nothing that was transcribed before.
 */
export function makeTranscribeChunk(deps: Pick<ActivityDeps, 'store' | 'ffmpeg' | 'speechToText' | 'cache'>) {
  const cache = new StageCache(deps.cache);
  return async function transcribeChunk(input: TranscribeChunkInput): Promise<TranscribedChunk> {
    const provider = deps.speechToText?.[input.provider.name];
    if (!provider) {
      throw ApplicationFailure.create({
        type: ErrorTypes.BadInput,
        message: `provider.name "${input.provider.name}" is not configured on this worker`,
        nonRetryable: true,
        details: [{ field: 'provider.name' }],
      });
    }
    const languageProblem = provider.languageProblem(input.language);
    if (languageProblem) {
      throw ApplicationFailure.create({ type: ErrorTypes.BadInput, message: `language: ${languageProblem}`, nonRetryable: true, details: [{ field: 'language' }] });
    }
    const { cancellationSignal } = Context.current();
    const { chunk, transcriptionId } = input;
    const scratch = await deps.store.scratchDir(transcriptionId, `chunk-${chunk.index}`);
    try {
      const wav = join(scratch, 'chunk.wav');
      await deps.ffmpeg.run(buildChunkCutArgs({ input: deps.store.resolve(input.audio), start: chunk.start, end: chunk.end, output: wav }), {
        signal: cancellationSignal,
      });
      const audioSha256 = await sha256File(wav);
      const model = input.provider.model;
      const key = stageKey('stt', { audioSha256, provider: provider.name, model: provider.identity(model), language: input.language });
      const hit = await cache.read<ChunkTranscriptValue>('stt', key, input.cache);
      let value: ChunkTranscriptValue;
      if (hit) {
        value = hit.value;
      } else {
        const { segments } = await provider.transcribe({ audioPath: wav, language: input.language, model, signal: cancellationSignal });
        value = { engine: provider.engine(model), segments };
        await cache.write('stt', key, input.cache, value);
      }
      const transcript = chunkTranscriptFile(transcriptionId, chunk.index);
      await deps.store.writeAtomic(transcript, JSON.stringify(value));
      return {
        index: chunk.index,
        cacheHit: hit !== undefined,
        transcript,
        words: value.segments.reduce((n, s) => n + (s.words?.length ?? s.text.split(/\s+/).filter(Boolean).length), 0),
        engine: value.engine,
      };
    } catch (err) {
      throw toFailure(err);
    } finally {
      await deps.store.removeScratch(scratch);
    }
  };
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const block of createReadStream(path)) hash.update(block as Buffer);
  return hash.digest('hex');
}
