import { assScriptHead, assTime, escapeAssText } from '../build-ass-subtitles';
import type { CaptionCue } from '../build-caption-cues';
import { graphemeCount } from '../build-caption-cues';
import type { ResolvedCaptionStyle } from './caption-style';
import { matchWordTimes, timeTokens, tokenizeCaptionText, type CaptionToken, type TimedWord } from './caption-words';

import type { WordTimeSource } from '@vidflow/contracts';

export interface StyledCaptionScene {
  text: string;
  durationSeconds: number;
  /** How much of the scene is speech, from its start (the rest is the pause appended after it); default all of it. */
  speechSeconds?: number;
  /** Spoken words with times relative to the scene's start, from the speech provider or a forced aligner. */
  words?: TimedWord[];
  /** Who timed `words` (default provider). */
  wordSource?: 'provider' | 'alignment';
}

export interface BuildStyledCaptionsOptions {
  scenes: StyledCaptionScene[];
  style: ResolvedCaptionStyle;
  width: number;
  height: number;
  language?: string;
}

/** A cue of one or more lines, every word timed on the video's timeline. */
export interface CaptionBlock {
  start: number;
  end: number;
  lines: Array<Array<CaptionToken & TimedWord>>;
}

export interface StyledCaptions {
  /** The ASS script for libass. */
  ass: string;
  /** One entry per Dialogue event, in order: the times at which the picture changes (planStillFrames reads them). */
  events: CaptionCue[];
  blocks: CaptionBlock[];
  /** Per scene, where its word times came from. */
  wordTimes: WordTimeSource[];
}

/** Full stop, question, exclamation (Latin, CJK, Arabic): a cue ends after them. */
const SENTENCE_END = /[.!?…。！？؟]["'”’)\]]*$/u;
/** A clause break: a line ends after one once it holds two words. */
const CLAUSE_END = /[,;:—،؛，、；：]["'”’)\]]*$/u;

/**
 * Captions in a style: each scene's words timed (the provider's or aligner's times where they match the
 * text, else estimated from syllables within the scene), grouped into lines of at most `maxWordsPerLine`
 * words that fit the frame and cues of at most `lines` lines that never cross a scene or a sentence, and
 * written as ASS. In word mode every word of a cue gets its own event, from its start to the next word's
 * start, with the cue's text and that word (karaoke: every word so far) in the highlight colour, so the
 * picture only changes on word boundaries the renderer knows of (the still-frame path stays exact).
 */
export function buildStyledCaptions(o: BuildStyledCaptionsOptions): StyledCaptions {
  const blocks: CaptionBlock[] = [];
  const wordTimes: WordTimeSource[] = [];
  let offset = 0;
  for (const scene of o.scenes) {
    const tokens = tokenizeCaptionText(scene.text, o.language);
    const sceneEnd = offset + scene.durationSeconds;
    const spoken = (scene.words ?? []).map((w) => ({ text: w.text, start: offset + w.start, end: offset + w.end }));
    const known = spoken.length ? matchWordTimes(tokens, spoken) : tokens.map(() => undefined);
    wordTimes.push(known.some(Boolean) ? (scene.wordSource ?? 'provider') : 'estimate');
    const speechEnd = offset + Math.min(scene.durationSeconds, Math.max(0.1, scene.speechSeconds ?? scene.durationSeconds));
    const timed = timeTokens(tokens, known, { start: offset, end: speechEnd }).map((w, i) => ({ ...tokens[i]!, ...w, text: tokens[i]!.text }));
    const sceneBlocks = groupBlocks(timed, o.style);
    sceneBlocks.forEach((lines, b) => {
      const start = b === 0 ? offset : lines[0]![0]!.start;
      blocks.push({ start, end: sceneEnd, lines });
      if (b > 0) blocks[blocks.length - 2]!.end = start;
    });
    offset = sceneEnd;
  }

  const events: Array<CaptionCue & { styled: string }> = [];
  for (const block of blocks) {
    const words = block.lines.flat();
    if (o.style.mode === 'phrase') {
      pushEvent(events, block.start, block.end, renderBlock(block, o.style, o.language, -1));
      continue;
    }
    words.forEach((w, i) => {
      const start = i === 0 ? block.start : w.start;
      const end = i === words.length - 1 ? block.end : words[i + 1]!.start;
      pushEvent(events, start, end, renderBlock(block, o.style, o.language, i));
    });
  }
  const ass = [...assHeader(o.style, o.width, o.height), ...events.map((e) => `Dialogue: 0,${assTime(e.start)},${assTime(e.end)},Caption,,0,0,0,,${e.styled}`)];
  return { ass: ass.join('\n') + '\n', events: events.map(({ start, end, text }) => ({ start, end, text })), blocks, wordTimes };
}

/** Events on the 10 ms grid of ASS, each starting where the previous ended; one rounded to nothing is dropped. */
function pushEvent(events: Array<CaptionCue & { styled: string }>, start: number, end: number, styled: { text: string; ass: string }) {
  const s = Math.max(round(start), events.at(-1)?.end ?? 0);
  const e = round(end);
  if (e <= s) return;
  events.push({ start: s, end: e, text: styled.text, styled: styled.ass });
}

/** Words into cues of lines: a line holds at most maxWordsPerLine words and maxChars graphemes, and ends at a clause break; a cue ends at a sentence. */
export function groupBlocks<T extends CaptionToken>(words: T[], style: Pick<ResolvedCaptionStyle, 'maxWordsPerLine' | 'lines' | 'maxChars'>): T[][][] {
  const blocks: T[][][] = [];
  let lines: T[][] = [];
  let line: T[] = [];
  const lineText = (ws: T[]) => ws.map((w, i) => w.text + (i < ws.length - 1 && w.spaceAfter ? ' ' : '')).join('');
  const endLine = (endBlock: boolean) => {
    if (line.length) lines.push(line);
    line = [];
    if (endBlock || lines.length >= style.lines) {
      if (lines.length) blocks.push(lines);
      lines = [];
    }
  };
  for (const w of words) {
    if (line.length && displayWidth(lineText([...line, w])) > style.maxChars) endLine(false);
    line.push(w);
    if (SENTENCE_END.test(w.text)) endLine(true);
    else if (line.length >= style.maxWordsPerLine || (CLAUSE_END.test(w.text) && line.length >= 2)) endLine(false);
  }
  endLine(true);
  return blocks;
}

const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/u;

/** A line's width in Latin-glyph units: CJK characters are full-width (about 1.6 times an average Latin glyph). */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += WIDE.test(ch) ? 1.6 : 0;
  return w + graphemeCount(text.replace(new RegExp(WIDE.source, 'gu'), ''));
}

/** A cue's text as ASS: lines joined by \N, the highlighted word(s) wrapped in colour overrides. */
function renderBlock(block: CaptionBlock, style: ResolvedCaptionStyle, language: string | undefined, current: number): { text: string; ass: string } {
  const on = `{\\1c${assColor(style.highlightColor)}}`;
  const off = `{\\1c${assColor(style.color)}}`;
  let n = 0;
  const plain: string[] = [];
  const styled: string[] = [];
  for (const line of block.lines) {
    let p = '';
    let s = '';
    line.forEach((w, i) => {
      const shown = escapeAssText(style.uppercase ? w.text.toLocaleUpperCase(language) : w.text);
      const lit = current >= 0 && (style.highlight === 'fill' ? n <= current : n === current);
      const sep = i < line.length - 1 && w.spaceAfter ? ' ' : '';
      p += shown + sep;
      s += (lit ? `${on}${shown}${off}` : shown) + sep;
      n++;
    });
    plain.push(p);
    styled.push(s);
  }
  return { text: plain.join(' '), ass: styled.join('\\N') };
}

/** `#rrggbb` -> ASS `&HAABBGGRR` (alpha 00 is opaque). */
export function assColor(hex: string, alpha = 0): string {
  const m = /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.exec(hex);
  if (!m) throw new Error(`not a hex colour: ${JSON.stringify(hex)}`);
  const d = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  const hx = (n: number) => n.toString(16).padStart(2, '0').toUpperCase();
  return `&H${hx(alpha)}${d.slice(4, 6).toUpperCase()}${d.slice(2, 4).toUpperCase()}${d.slice(0, 2).toUpperCase()}&`;
}

const ALIGNMENT = { bottom: 2, middle: 5, top: 8 } as const;

/**
 * The script header and its one style. Outline style (BorderStyle 1): outline and a half-transparent shadow.
 * Box style (BorderStyle 3): libass fills a box behind each line in OutlineColour, padded by Outline.
 * `Encoding: -1` lets libass detect each line's base direction (right-to-left scripts).
 */
export function assHeader(style: ResolvedCaptionStyle, width: number, height: number): string[] {
  const outlineColour = style.box ? assColor(style.boxColor, 0x50) : assColor(style.outlineColor);
  const fields = [
    'Caption',
    style.font,
    style.fontSize,
    assColor(style.color),
    assColor(style.highlightColor),
    outlineColour,
    assColor('#000000', 0x80),
    style.bold ? -1 : 0,
    0, 0, 0, 100, 100, 0, 0,
    style.box ? 3 : 1,
    style.outlineWidth,
    style.box ? 0 : style.shadow,
    ALIGNMENT[style.position],
    style.marginH,
    style.marginH,
    style.position === 'middle' ? 0 : style.margin,
    -1,
  ];
  return assScriptHead(width, height, fields.join(','));
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
