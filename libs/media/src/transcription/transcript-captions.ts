import type { CaptionOptions } from '@vidflow/contracts';
import { buildStyledCaptions, type StyledCaptionScene } from '../captions/build-styled-captions';
import { resolveCaptionStyle } from '../captions/caption-style';
import type { Transcript } from './merge-chunk-transcripts';

export interface TranscriptCaptionsOptions {
  /** The caption options of the request (`burnIn.captions`, the same fields as a video's `render.captions`). */
  captions?: Partial<CaptionOptions>;
  width: number;
  height: number;
}

/**
 * A transcript's burned-in captions in a video's caption style: each segment becomes a "scene" of the styled
 * caption builder (its recognised words keep their times, so word mode highlights the word being said), and the
 * silences between segments become empty scenes, so nothing is shown while nobody speaks and every cue stays on
 * the original file's timeline.
 */
export function buildTranscriptCaptions(transcript: Transcript, o: TranscriptCaptionsOptions): string {
  const scenes: StyledCaptionScene[] = [];
  let at = 0;
  for (const segment of transcript.segments) {
    const start = Math.max(at, segment.start);
    const end = Math.max(start, segment.end);
    if (start > at) scenes.push({ text: '', durationSeconds: start - at });
    if (end === start) continue;
    scenes.push({
      text: segment.text,
      durationSeconds: end - start,
      ...(segment.words?.length
        ? { words: segment.words.map((w) => ({ text: w.word, start: Math.max(0, w.start - start), end: Math.max(0, w.end - start) })) }
        : {}),
    });
    at = end;
  }
  const style = resolveCaptionStyle(o.captions, { width: o.width, height: o.height });
  return buildStyledCaptions({ scenes, style, width: o.width, height: o.height, language: transcript.language }).ass;
}
