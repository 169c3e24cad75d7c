import type { SpokenWord } from '@vidflow/contracts';
import { timeTokens, type TranscriptWord } from '@vidflow/media';
import { AlignmentError } from './forced-aligner';
import type { AlignmentPlan } from './plan-alignment';

/**
 * Every word of the plan with a time: a grammar word takes the time PocketSphinx recognised it at (the grammar
 * admits only its own sequence, so the recognised words are the grammar words in order); a word left out of the
 * grammar shares the time between its aligned neighbours in proportion to its syllables, as the estimate does.
 * Throws when the recognised words are not the grammar's (a partial result), which no time could be trusted from.
 */
export function mapAlignedWords(o: { plan: AlignmentPlan; recognised: Array<Pick<TranscriptWord, 'word' | 'start' | 'end'>>; durationSeconds: number }): SpokenWord[] {
  const { plan, recognised } = o;
  const names = recognised.map((r) => r.word);
  if (names.length !== plan.grammar.length || names.some((n, i) => n !== plan.grammar[i]!.name)) {
    const wanted = plan.grammar.map((g) => g.name);
    throw new AlignmentError(`the recogniser's words are not the grammar's: "${shorten(names)}", not "${shorten(wanted)}"`);
  }
  const known: Array<{ start: number; end: number } | undefined> = plan.words.map(() => undefined);
  plan.grammar.forEach((g, i) => (known[g.word] = { start: recognised[i]!.start, end: recognised[i]!.end }));
  const tokens = plan.words.map((text) => ({ text, spaceAfter: true }));
  return timeTokens(tokens, known, { start: 0, end: Math.max(o.durationSeconds, recognised.at(-1)?.end ?? 0) }).map((w) => ({
    text: w.text,
    start: round(w.start),
    end: round(w.end),
  }));
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

function shorten(words: string[]): string {
  return words.length > 8 ? `${words.slice(0, 8).join(' ')} ...` : words.join(' ');
}
