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
    const sceneEnd = offset + scene.durationSeconds;
    // Every cue starts where the previous one ended (after rounding), and a scene's last cue ends at
    // the scene's end, so rounding can never make two captions overlap or leave a gap.
    let start = round(offset);
    let weightSoFar = 0;
    phrases.forEach((text, i) => {
      weightSoFar += weights[i]!;
      const end = i === phrases.length - 1 ? round(sceneEnd) : round(offset + (scene.durationSeconds * weightSoFar) / total);
      cues.push({ start, end, text });
      start = end;
    });
    offset = sceneEnd;
  }
  return cues;
}

export function splitPhrases(text: string, maxChars: number, language = 'en'): string[] {
  const segmenter = new Intl.Segmenter(safeLocale(language), { granularity: 'word' });
  const phrases: string[] = [];
  let current = '';
  for (const { segment, isWordLike } of segmenter.segment(text.replace(/\s+/g, ' ').trim())) {
    const candidate = current + segment;
    // Punctuation stays with the phrase it ends, even past maxChars: a caption never starts with ",".
    if (isWordLike && current.trim() && graphemeCount(candidate.trim()) > maxChars) {
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
