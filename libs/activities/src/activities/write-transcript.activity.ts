import { Context } from '@temporalio/activity';
import {
  transcriptionFilePath,
  type TranscriptFormat,
  type TranscriptionFiles,
  type WriteTranscriptInput,
  type WrittenTranscript,
} from '@vidflow/contracts';
import {
  buildTranscriptCaptions,
  formatPlainText,
  formatSrt,
  formatTranscriptJson,
  formatVtt,
  mergeChunkTranscripts,
  subtitleCues,
  type ChunkTranscript,
  type Transcript,
} from '@vidflow/media';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ActivityDeps } from '../activity-deps';
import type { ChunkTranscriptValue } from './transcribe-chunk.activity';
import { toFailure } from './failures';
import { transcriptionWorkFile } from './transcription-paths';

const FORMATTERS: Record<TranscriptFormat, (t: Transcript) => string> = {
  srt: (t) => formatSrt(subtitleCues(t)),
  vtt: (t) => formatVtt(subtitleCues(t)),
  json: formatTranscriptJson,
  txt: formatPlainText,
};

/**
 * Merges the chunks' transcripts onto the original file's timeline and writes every requested format. Each file is
 * written as `<name>.part` and renamed into place, so a reader (the API's download) sees the whole file or none.
 * With burnIn, also the ASS captions for the frame, in the request's caption style (the video renderer's builder).
 */
export function makeWriteTranscript(deps: Pick<ActivityDeps, 'store'>) {
  return async function writeTranscript(input: WriteTranscriptInput): Promise<WrittenTranscript> {
    const { cancellationSignal } = Context.current();
    try {
      const chunks: ChunkTranscript[] = [];
      for (const c of input.chunks) {
        cancellationSignal.throwIfAborted();
        const value = JSON.parse(await readFile(deps.store.resolve(c.transcript), 'utf8')) as ChunkTranscriptValue;
        chunks.push({ offset: c.start, durationSeconds: c.end - c.start, segments: value.segments });
      }
      const transcript = mergeChunkTranscripts({ chunks, language: input.language, durationSeconds: input.durationSeconds, engine: input.engine });
      const files: TranscriptionFiles = {};
      for (const format of input.formats) {
        const path = transcriptionFilePath(input.transcriptionId, format);
        await writePartThenRename(deps.store.resolve(path), FORMATTERS[format](transcript));
        files[format] = path;
      }
      let captions: string | undefined;
      if (input.burnIn) {
        captions = transcriptionWorkFile(input.transcriptionId, 'captions.ass');
        await writePartThenRename(deps.store.resolve(captions), buildTranscriptCaptions(transcript, input.burnIn));
      }
      return {
        files,
        segments: transcript.segments.length,
        words: transcript.segments.reduce((n, s) => n + (s.words?.length ?? 0), 0),
        ...(captions ? { captions } : {}),
      };
    } catch (err) {
      throw toFailure(err);
    }
  };
}

async function writePartThenRename(finalAbs: string, data: string): Promise<void> {
  await mkdir(dirname(finalAbs), { recursive: true });
  // A unique part name: two attempts of one activity (a retry racing a lost worker) never write into one file.
  const part = `${finalAbs}.${randomBytes(4).toString('hex')}.part`;
  try {
    await writeFile(part, data);
    await rename(part, finalAbs);
  } catch (err) {
    await rm(part, { force: true });
    throw err;
  }
}
