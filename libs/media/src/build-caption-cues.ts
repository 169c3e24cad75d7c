/** A caption phrase on the video's timeline. */
export interface CaptionCue {
  start: number;
  end: number;
  text: string;
}

export interface CaptionScene {
  text: string;
  durationSeconds: number;
}

export interface BuildCaptionCuesOptions {
  scenes: CaptionScene[];
  /** The longest phrase, in user-perceived characters (graphemes). */
  maxChars: number;
  /** Locale for word segmentation (CJK and Thai have no spaces between words). */
  language?: string;
}

/** Punctuation after which a phrase reads naturally as finished (Latin, CJK, Arabic). */
const BREAK_AFTER = /[.,;:!?…—。、，；：！？،؛؟]\s*$/u;

/**
 * Splits every scene into short phrases and times each phrase in proportion to its length within the
 * scene's measured audio duration. Narration speed is close to constant per character, so this keeps
 * captions in step with speech without a forced aligner.
 */
export function buildCaptionCues(options: BuildCaptionCuesOptions): CaptionCue[] {
  const cues: CaptionCue[] = [];
  let offset = 0;
  for (const scene of options.scenes) {
    const phrases = splitPhrases(scene.text, options.maxChars, options.language);
    const weights = phrases.map((p) => Math.max(1, graphemeCount(p.replace(/\s+/g, ''))));
    const total = weights.reduce((a, b) => a + b, 0);
    let t = offset;
    phrases.forEach((text, i) => {
      const length = (scene.durationSeconds * weights[i]!) / total;
      cues.push({ start: round(t), end: round(t + length), text });
      t += length;
    });
    offset += scene.durationSeconds;
  }
  return cues;
}

export function splitPhrases(text: string, maxChars: number, language = 'en'): string[] {
  const segmenter = new Intl.Segmenter(safeLocale(language), { granularity: 'word' });
  const phrases: string[] = [];
  let current = '';
  for (const { segment } of segmenter.segment(text.replace(/\s+/g, ' ').trim())) {
    const candidate = current + segment;
    if (current.trim() && graphemeCount(candidate.trim()) > maxChars) {
      phrases.push(current.trim());
      current = segment.trimStart();
      continue;
    }
    current = candidate;
    // Prefer ending a phrase at punctuation once it is long enough to be worth a caption of its own.
    if (BREAK_AFTER.test(current) && graphemeCount(current.trim()) >= maxChars * 0.4) {
      phrases.push(current.trim());
      current = '';
    }
  }
  if (current.trim()) phrases.push(current.trim());
  return phrases;
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
export function graphemeCount(text: string): number {
  let n = 0;
  for (const _ of graphemes.segment(text)) n++;
  return n;
}

function safeLocale(language: string): string {
  try {
    return Intl.Segmenter.supportedLocalesOf([language])[0] ?? 'en';
  } catch {
    return 'en';
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
