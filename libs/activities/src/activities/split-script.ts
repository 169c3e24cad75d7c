import type { Scene } from '@vidflow/contracts';

export interface SplitScriptOptions {
  language?: string;
  /** Sentences are grouped into scenes of about this many characters. */
  targetChars?: number;
  maxScenes?: number;
}

/**
 * Splits narration into scenes at sentence boundaries (Intl.Segmenter knows the rules of each
 * language, including CJK full stops). Short sentences are grouped so that a scene is long enough to
 * be worth its own speech file; a scene never splits a sentence.
 */
export function splitScript(script: string, options: SplitScriptOptions = {}): Scene[] {
  const maxScenes = options.maxScenes ?? 100;
  const text = script.replace(/\s+/g, ' ').trim();
  const segmenter = new Intl.Segmenter(locale(options.language), { granularity: 'sentence' });
  const sentences = [...segmenter.segment(text)].map((s) => s.segment.trim()).filter(Boolean);
  // Never more than maxScenes: with a very long script, scenes grow instead. Greedy packing can need
  // a little more than length/maxScenes per scene, so grow the target until the scenes fit.
  let targetChars = Math.max(options.targetChars ?? 220, Math.ceil(text.length / maxScenes));
  let scenes = pack(sentences, targetChars);
  while (scenes.length > maxScenes) {
    targetChars = Math.ceil(targetChars * 1.1);
    scenes = pack(sentences, targetChars);
  }
  return scenes.map((t) => ({ text: t }));
}

function pack(sentences: string[], targetChars: number): string[] {
  const scenes: string[] = [];
  let current = '';
  for (const sentence of sentences) {
    if (current && current.length + 1 + sentence.length > targetChars) {
      scenes.push(current);
      current = sentence;
    } else {
      current = current ? join(current, sentence) : sentence;
    }
  }
  if (current) scenes.push(current);
  return scenes;
}

/** Sentences ending in CJK full-width punctuation are written without a space before the next. */
function join(a: string, b: string): string {
  return /[\u3000-\u303f\uff01-\uff1f]$/.test(a) ? a + b : `${a} ${b}`;
}

function locale(language?: string): string {
  try {
    return (language && Intl.Segmenter.supportedLocalesOf([language])[0]) || 'en';
  } catch {
    return 'en';
  }
}
