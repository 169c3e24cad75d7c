/** One recognised word, in seconds. */
export interface TranscriptWord {
  word: string;
  start: number;
  end: number;
  /** 0..1 where the engine gives one (PocketSphinx's posterior, Whisper's probability). */
  confidence?: number;
}

/** A stretch of speech as the engine returned it (a PocketSphinx utterance, a Whisper segment). */
export interface TranscriptSegment {
  start: number;
  end: number;
  text: string;
  words?: TranscriptWord[];
}

/** What one chunk's transcription returned, with times from the start of the chunk. */
export interface ChunkTranscript {
  /** Where the chunk starts in the original file. */
  offset: number;
  /** The chunk's length: nothing of it is placed past offset + duration. */
  durationSeconds: number;
  segments: TranscriptSegment[];
}

/** The transcript of a whole file (the JSON format), times from the start of the original file. */
export interface Transcript {
  language: string;
  durationSeconds: number;
  engine: string;
  segments: Array<TranscriptSegment & { id: number }>;
}

export interface MergeTranscriptsOptions {
  chunks: ChunkTranscript[];
  language: string;
  durationSeconds: number;
  engine: string;
}

/**
 * Puts every chunk's segments and words on the original file's timeline: each time plus its chunk's offset,
 * clamped to the chunk (an engine may report a word ending a few ms past the audio it was given) and to the previous
 * segment's end, so segments come out in order and never overlap. Empty segments are dropped; ids run from 0.
 * Times are rounded to milliseconds.
 */
export function mergeChunkTranscripts(o: MergeTranscriptsOptions): Transcript {
  const segments: Transcript['segments'] = [];
  let floor = 0;
  const chunks = [...o.chunks].sort((a, b) => a.offset - b.offset);
  for (const chunk of chunks) {
    const limit = Math.min(o.durationSeconds, chunk.offset + chunk.durationSeconds);
    const place = (t: number) => ms(Math.min(limit, Math.max(floor, chunk.offset + t)));
    for (const segment of chunk.segments) {
      const text = segment.text.replace(/\s+/g, ' ').trim();
      if (!text) continue;
      const start = place(segment.start);
      const end = Math.max(start, place(segment.end));
      const words = segment.words?.map((w) => {
        const ws = Math.min(end, Math.max(start, place(w.start)));
        return {
          word: w.word,
          start: ws,
          end: Math.min(end, Math.max(ws, place(w.end))),
          ...(w.confidence !== undefined ? { confidence: Math.round(w.confidence * 1000) / 1000 } : {}),
        };
      });
      segments.push({ id: segments.length, start, end, text, ...(words ? { words } : {}) });
      floor = end;
    }
  }
  return { language: o.language, durationSeconds: ms(o.durationSeconds), engine: o.engine, segments };
}

function ms(s: number): number {
  return Math.round(s * 1000) / 1000;
}
