import { graphemeCount } from '../build-caption-cues';

/** A word as shown: its text with the punctuation around it, and whether a space follows it. */
export interface CaptionToken {
  text: string;
  spaceAfter: boolean;
}

/** A word's time in seconds (scene-relative from a speech provider or aligner, absolute once placed on the timeline). */
export interface TimedWord {
  text: string;
  start: number;
  end: number;
}

/**
 * The scene's words as shown, punctuation attached to the word it follows (or precedes, for an opening
 * quote). Intl.Segmenter finds the words of scripts written without spaces (CJK, Thai), which then join
 * with no space between them.
 */
export function tokenizeCaptionText(text: string, language = 'en'): CaptionToken[] {
  const segmenter = new Intl.Segmenter(safeLocale(language), { granularity: 'word' });
  const tokens: CaptionToken[] = [];
  let current: { text: string; hasWord: boolean } | undefined;
  const close = (spaceAfter: boolean) => {
    if (current?.text) tokens.push({ text: current.text, spaceAfter });
    current = undefined;
  };
  for (const { segment, isWordLike } of segmenter.segment(text.replace(/\s+/g, ' ').trim())) {
    if (/^\s+$/u.test(segment)) {
      close(true);
    } else if (isWordLike) {
      if (current?.hasWord) close(false);
      current = { text: (current?.text ?? '') + segment, hasWord: true };
    } else {
      current = { text: (current?.text ?? '') + segment, hasWord: current?.hasWord ?? false };
    }
  }
  close(false);
  // A token of punctuation alone (a dash between spaces) joins the word before it.
  const merged: CaptionToken[] = [];
  for (const t of tokens) {
    const last = merged.at(-1);
    if (last && !/[\p{L}\p{N}]/u.test(t.text)) {
      merged[merged.length - 1] = { text: `${last.text}${last.spaceAfter ? ' ' : ''}${t.text}`, spaceAfter: t.spaceAfter };
    } else merged.push(t);
  }
  return merged;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * Spoken length of a word in syllables, the unit narration time is most nearly proportional to. English
 * (and other Latin-script words): vowel groups, less a silent final e; a digit reads as about one and a half.
 * CJK: one syllable per character. Other scripts: about one per two and a half letters. A pause after
 * punctuation counts as part of the word before it (half a syllable for a comma, one for a full stop).
 */
export function syllableWeight(token: string): number {
  const letters = token.replace(/[^\p{L}\p{N}]/gu, '');
  let n: number;
  if (CJK.test(letters)) {
    n = graphemeCount(letters.replace(/[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu, '')) || 1;
  } else if (/^[\p{Script=Latin}\p{N}]+$/u.test(letters)) {
    const digits = (letters.match(/\p{N}/gu) ?? []).length;
    const word = letters.toLowerCase().replace(/\p{N}/gu, '');
    let vowels = (word.match(/[aeiouyàáâãäåèéêëìíîïòóôõöùúûüýÿæœ]+/g) ?? []).length;
    if (vowels > 1 && /[^aeiouy]e$/.test(word) && !/[^aeiouy]le$/.test(word)) vowels--;
    n = Math.max(word ? 1 : 0, vowels) + digits * 1.5;
  } else {
    n = Math.max(1, graphemeCount(letters) / 2.5);
  }
  const pause = /[.!?…。！？]["'”’)\]]*$/u.test(token) ? 1 : /[,;:—،؛，、；：]["'”’)\]]*$/u.test(token) ? 0.5 : 0;
  return Math.max(1, n) + pause;
}

/**
 * Times for every token of a scene (on the video's timeline). Tokens with a known time keep it; the rest
 * share the time between their known neighbours (or the scene's speech span) in proportion to their
 * syllables. With no known times at all that is the estimate from syllable counts.
 */
export function timeTokens(
  tokens: CaptionToken[],
  known: Array<{ start: number; end: number } | undefined>,
  span: { start: number; end: number },
): TimedWord[] {
  const weights = tokens.map((t) => syllableWeight(t.text));
  const out: TimedWord[] = [];
  let i = 0;
  let cursor = span.start;
  while (i < tokens.length) {
    const k = known[i];
    if (k) {
      const start = Math.max(cursor, k.start);
      const end = Math.max(start, Math.min(span.end, k.end));
      out.push({ text: tokens[i]!.text, start, end });
      cursor = end;
      i++;
      continue;
    }
    let j = i;
    while (j < tokens.length && !known[j]) j++;
    const until = j < tokens.length ? Math.max(cursor, known[j]!.start) : span.end;
    const total = weights.slice(i, j).reduce((a, b) => a + b, 0);
    let acc = 0;
    for (let n = i; n < j; n++) {
      const start = cursor + ((until - cursor) * acc) / total;
      acc += weights[n]!;
      out.push({ text: tokens[n]!.text, start, end: n === j - 1 ? until : cursor + ((until - cursor) * acc) / total });
    }
    cursor = until;
    i = j;
  }
  return out;
}

/** Letters and digits only, lower case: how a spoken word from a provider is matched to a shown token. */
export function normalizeWord(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * The provider's (or aligner's) word times assigned to the shown tokens: in order, each token takes the next
 * spoken word with the same letters within a few words (a provider may split or expand words, "2026" as
 * "twenty twenty six"); tokens without a match are left for `timeTokens` to interpolate.
 */
export function matchWordTimes(tokens: CaptionToken[], spoken: TimedWord[]): Array<{ start: number; end: number } | undefined> {
  const LOOKAHEAD = 4;
  const norm = spoken.map((w) => normalizeWord(w.text));
  let j = 0;
  return tokens.map((t) => {
    const want = normalizeWord(t.text);
    for (let k = j; k < Math.min(spoken.length, j + LOOKAHEAD); k++) {
      if (norm[k] === want && want) {
        j = k + 1;
        return { start: spoken[k]!.start, end: spoken[k]!.end };
      }
    }
    return undefined;
  });
}

function safeLocale(language: string): string {
  try {
    return Intl.Segmenter.supportedLocalesOf([language])[0] ?? 'en';
  } catch {
    return 'en';
  }
}
