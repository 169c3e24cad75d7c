import { tokenizeCaptionText } from '@vidflow/media';

/** Pronunciations by word, as the CMU dictionary lists them (`word(2)` variants under `word`). */
export type PronouncingDictionary = ReadonlyMap<string, string[]>;

/** `word PH ONES` lines of a CMU-format dictionary (PocketSphinx's cmudict-en-us.dict); `word(2)` adds a variant. */
export function parseCmuDictionary(text: string): Map<string, string[]> {
  const dict = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^(\S+?)(?:\(\d+\))?\s+(.+?)\s*$/.exec(line);
    if (!m || m[1]!.startsWith(';;;')) continue;
    const list = dict.get(m[1]!);
    if (list) list.push(m[2]!);
    else dict.set(m[1]!, [m[2]!]);
  }
  return dict;
}

/**
 * How a caption word is looked up in the dictionary: lower case, curly apostrophes straightened, everything but
 * letters, digits and inner apostrophes dropped (`"Don’t,"` is `don't`). Empty for a word of symbols only.
 */
export function alignmentLookupWord(token: string): string {
  return token
    .toLowerCase()
    .replace(/[’ʼ‘]/g, "'")
    .replace(/[^\p{L}\p{N}']/gu, '')
    .replace(/^'+|'+$/g, '');
}

/** The caption word as said, for a pronunciation guess: its surrounding punctuation dropped (`"3.5,"` is `3.5`). */
export function spokenForm(token: string): string {
  return token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

/** Words in the dictionary's own alphabet only: anything else (digits, accents) is guessed. */
const DICTIONARY_WORD = /^[a-z][a-z']*$/;

export interface AlignmentPlan {
  /** The text's words as the captions split it. */
  words: string[];
  /** In order, each grammar word and the index in `words` of the word it stands for. Words not here are left out. */
  grammar: Array<{ word: number; name: string }>;
  /** The JSGF grammar: exactly the grammar words in order (PocketSphinx adds optional silences and fillers between). */
  jsgf: string;
  /** The pronunciation dictionary of the grammar words, CMU format. */
  dictionary: string;
}

/** The words of `text` that the dictionary does not have, as said (`spokenForm`), in order: what to guess pronunciations for. */
export function wordsToGuess(text: string, dictionary: PronouncingDictionary): string[] {
  return tokenizeCaptionText(text, 'en')
    .map((t) => t.text)
    .filter((t) => alignmentLookupWord(t) && !isKnown(alignmentLookupWord(t), dictionary))
    .map(spokenForm);
}

/**
 * The grammar and dictionary that make PocketSphinx align `text`: every word in the dictionary by its own entry
 * (all variants), every other word by its guessed phones under a name of its own (`oov.N`, never a dictionary
 * word), and a word with neither (symbols, a failed guess) left out, to be timed between its neighbours.
 */
export function planAlignment(o: { text: string; dictionary: PronouncingDictionary; guesses: ReadonlyMap<string, string[]> }): AlignmentPlan {
  const words = tokenizeCaptionText(o.text, 'en').map((t) => t.text);
  const grammar: AlignmentPlan['grammar'] = [];
  const entries = new Map<string, string[]>();
  words.forEach((text, word) => {
    const lookup = alignmentLookupWord(text);
    if (!lookup) return;
    if (isKnown(lookup, o.dictionary)) {
      grammar.push({ word, name: lookup });
      entries.set(lookup, o.dictionary.get(lookup)!);
      return;
    }
    const phones = o.guesses.get(spokenForm(text));
    if (!phones?.length) return;
    const name = `oov.${word}`;
    grammar.push({ word, name });
    entries.set(name, [phones.join(' ')]);
  });
  const jsgf = ['#JSGF V1.0;', 'grammar scene;', `public <scene> = ${grammar.map((g) => g.name).join(' ')};`, ''].join('\n');
  const dictionary = [...entries]
    .flatMap(([name, prons]) => prons.map((p, i) => `${name}${i ? `(${i + 1})` : ''} ${p}`))
    .join('\n');
  return { words, grammar, jsgf, dictionary: dictionary + '\n' };
}

function isKnown(lookup: string, dictionary: PronouncingDictionary): boolean {
  return DICTIONARY_WORD.test(lookup) && dictionary.has(lookup);
}
