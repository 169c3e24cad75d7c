import type { Scene } from '@vidflow/contracts';
import type { ScriptWriter, WriteScriptRequest } from './script-writer';

/** Typical narration pace, in words per second, used to size a script to its target length. */
export const WORDS_PER_SECOND = 2.6;

const OPENERS = [
  'Let us take a closer look at {t}.',
  'Today the subject is {t}.',
  'Here is a short tour of {t}.',
];
const BODY = [
  'People have been curious about {t} for a very long time, and for good reason.',
  'At first glance {t} seems simple, but the details tell a richer story.',
  'One useful way to think about {t} is to ask what problem it solves.',
  'Experts who study {t} often point to a handful of ideas that explain most of it.',
  'The history of {t} is full of surprises, false starts and patient work.',
  'A small change in how we look at {t} can make the whole picture clearer.',
  'Much of what makes {t} interesting happens where nobody is watching.',
  'Numbers help: measuring {t} carefully is how myths get separated from facts.',
  'There is still a lot about {t} that nobody fully understands.',
  'If you remember one thing about {t}, remember that it keeps changing.',
  'Every generation finds a new reason to care about {t}.',
  'The best questions about {t} usually begin with how, not with what.',
];
const CLOSERS = ['That is {t} in a nutshell. Thanks for watching.', 'And that is a first look at {t}. See you next time.'];

/**
 * A deterministic, offline script writer: the same topic, style and length always give the same
 * script. It exists so that vidflow works with no API keys; it says so in the narration itself, so
 * nobody mistakes its output for an LLM's.
 */
export class OfflineScriptWriter implements ScriptWriter {
  readonly name = 'offline';

  async write(request: WriteScriptRequest): Promise<Scene[]> {
    const topic = request.topic.replace(/\s+/g, ' ').trim();
    const random = mulberry32(fnv1a(`${topic}|${request.style ?? ''}|${request.targetSeconds}`));
    const pick = (list: string[]) => list[Math.floor(random() * list.length)]!.replaceAll('{t}', topic);
    const targetWords = Math.max(12, Math.round(request.targetSeconds * WORDS_PER_SECOND));

    const scenes: Scene[] = [
      { text: `${pick(OPENERS)} This narration was written by vidflow's offline writer, not by a language model.` },
    ];
    const closer = pick(CLOSERS);
    let words = countWords(scenes[0]!.text) + countWords(closer);
    const body = shuffle([...BODY], random).map((s) => s.replaceAll('{t}', topic));
    // Add body sentences while one more brings the length closer to the target than stopping would;
    // two sentences make a scene.
    let pending: string[] = [];
    for (let i = 0; ; i++) {
      const next = body[i % body.length]!;
      const n = countWords(next);
      if (words + n / 2 > targetWords) break;
      pending.push(next);
      words += n;
      if (pending.length === 2) {
        scenes.push({ text: pending.join(' ') });
        pending = [];
      }
    }
    if (pending.length) scenes.push({ text: pending.join(' ') });
    scenes.push({ text: closer });
    return scenes;
  }
}

function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A tiny seeded PRNG (Mulberry32): deterministic output without pulling in a library. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
