import { graphemeCount, splitPhrases } from '../build-caption-cues';
import type { CaptionCue } from '../build-caption-cues';
import type { Transcript, TranscriptSegment } from './merge-chunk-transcripts';

export interface SubtitleCueOptions {
  /** Longest line, in graphemes (42 is the usual broadcast limit for one subtitle line). */
  maxChars?: number;
  /** Longest time one cue stays on screen. */
  maxSeconds?: number;
}

export const DEFAULT_SUBTITLE_CUES = { maxChars: 42, maxSeconds: 7 } as const;

/**
 * The transcript as readable subtitle cues. An engine's segment can run for 30 s; a subtitle should not. With word
 * times, a cue takes words while it stays within maxChars and maxSeconds, and is timed from its first word's start
 * to its last word's end. Without them, the segment's text is split into phrases timed in proportion to their
 * length (as video captions are).
 */
export function subtitleCues(transcript: Transcript, options: SubtitleCueOptions = {}): CaptionCue[] {
  const maxChars = options.maxChars ?? DEFAULT_SUBTITLE_CUES.maxChars;
  const maxSeconds = options.maxSeconds ?? DEFAULT_SUBTITLE_CUES.maxSeconds;
  const cues: CaptionCue[] = [];
  for (const segment of transcript.segments) {
    if (segment.words?.length) cues.push(...cuesFromWords(segment, maxChars, maxSeconds));
    else cues.push(...cuesFromText(segment, maxChars, transcript.language));
  }
  return cues;
}

function cuesFromWords(segment: TranscriptSegment, maxChars: number, maxSeconds: number): CaptionCue[] {
  const cues: CaptionCue[] = [];
  let words: NonNullable<TranscriptSegment['words']> = [];
  const flush = () => {
    if (words.length) cues.push({ start: words[0]!.start, end: words[words.length - 1]!.end, text: words.map((w) => w.word).join(' ') });
    words = [];
  };
  for (const w of segment.words!) {
    const text = [...words.map((x) => x.word), w.word].join(' ');
    if (words.length && (graphemeCount(text) > maxChars || w.end - words[0]!.start > maxSeconds)) flush();
    words.push(w);
  }
  flush();
  return cues;
}

function cuesFromText(segment: TranscriptSegment, maxChars: number, language: string): CaptionCue[] {
  const phrases = splitPhrases(segment.text, maxChars, language);
  const weights = phrases.map((p) => Math.max(1, graphemeCount(p.replace(/\s+/g, ''))));
  const total = weights.reduce((a, b) => a + b, 0);
  const span = segment.end - segment.start;
  const cues: CaptionCue[] = [];
  let start = segment.start;
  let sum = 0;
  phrases.forEach((text, i) => {
    sum += weights[i]!;
    const end = i === phrases.length - 1 ? segment.end : ms(segment.start + (span * sum) / total);
    cues.push({ start, end, text });
    start = end;
  });
  return cues;
}

/** SubRip: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, a blank line after each, CRLF-free. */
export function formatSrt(cues: CaptionCue[]): string {
  return cues.map((c, i) => `${i + 1}\n${timestamp(c.start, ',')} --> ${timestamp(c.end, ',')}\n${oneLine(c.text)}\n`).join('\n');
}

/** WebVTT: the `WEBVTT` header, then cues with `HH:MM:SS.mmm`. `-->` in text would end the timing line: it is escaped. */
export function formatVtt(cues: CaptionCue[]): string {
  const body = cues.map((c) => `${timestamp(c.start, '.')} --> ${timestamp(c.end, '.')}\n${vttText(c.text)}\n`).join('\n');
  return body ? `WEBVTT\n\n${body}` : 'WEBVTT\n';
}

/** The JSON format of the contract: the whole transcript, pretty-printed, with a trailing newline. */
export function formatTranscriptJson(transcript: Transcript): string {
  return `${JSON.stringify(transcript, null, 2)}\n`;
}

/** Plain text: one line per segment. */
export function formatPlainText(transcript: Transcript): string {
  return transcript.segments.map((s) => `${oneLine(s.text)}\n`).join('');
}

/** `HH:MM:SS<sep>mmm`; hours grow past 99 rather than wrap. */
export function timestamp(seconds: number, separator: ',' | '.'): string {
  const total = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const milli = total % 1000;
  return `${String(h).padStart(2, '0')}:${pad2(m)}:${pad2(s)}${separator}${String(milli).padStart(3, '0')}`;
}

/** A blank line ends a cue in both SRT and WebVTT, so a cue's text is kept on one line. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function vttText(text: string): string {
  return oneLine(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function ms(s: number): number {
  return Math.round(s * 1000) / 1000;
}
