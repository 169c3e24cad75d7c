import type { TranscriptSegment, TranscriptWord } from '@vidflow/media';

/** `word start end posterior` as pocketsphinx_continuous prints it with `-time yes`. */
const WORD_LINE = /^(\S+) (-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?) (\d+(?:\.\d+)?(?:e[-+]?\d+)?)$/i;

/** Tokens that are not words: utterance marks, silence, and fillers of the noise dictionary (`[NOISE]`, `++BREATH++`). */
function isFiller(token: string): boolean {
  return token === '<s>' || token === '</s>' || token === '<sil>' || /^\[.*\]$/.test(token) || /^\+\+.*\+\+$/.test(token);
}

/**
 * The utterances of pocketsphinx_continuous output (`-time yes`) as segments with per-word times. Each utterance is
 * a hypothesis line followed by its word lines between `<s>` and `</s>`; the text is rebuilt from the word lines so
 * that it matches the words exactly. Alternate pronunciations (`was(2)`) are the same word.
 */
export function parsePocketsphinxOutput(stdout: string): TranscriptSegment[] {
  const segments: TranscriptSegment[] = [];
  let words: TranscriptWord[] = [];
  const flush = () => {
    if (words.length) {
      segments.push({ start: words[0]!.start, end: words[words.length - 1]!.end, text: words.map((w) => w.word).join(' '), words });
    }
    words = [];
  };
  for (const raw of stdout.split(/\r?\n/)) {
    const m = WORD_LINE.exec(raw.trim());
    if (!m) continue;
    const token = m[1]!;
    if (token === '<s>') flush();
    if (token === '</s>') {
      flush();
      continue;
    }
    if (isFiller(token)) continue;
    words.push({ word: token.replace(/\(\d+\)$/, ''), start: Number(m[2]), end: Number(m[3]), confidence: Math.min(1, Number(m[4])) });
  }
  flush();
  return segments;
}
