import { AlignmentError } from './forced-aligner';
import { mapAlignedWords } from './map-aligned-words';
import type { AlignmentPlan } from './plan-alignment';

const plan = (words: string[], grammar: AlignmentPlan['grammar']): AlignmentPlan => ({ words, grammar, jsgf: '', dictionary: '' });

describe('mapAlignedWords', () => {
  it('gives every word of the text its recognised time, in the text as written', () => {
    const p = plan(['Vidflow', 'makes', '42', 'videos.'], [
      { word: 0, name: 'oov.0' },
      { word: 1, name: 'makes' },
      { word: 2, name: 'oov.2' },
      { word: 3, name: 'videos' },
    ]);
    const recognised = [
      { word: 'oov.0', start: 0, end: 0.47 },
      { word: 'makes', start: 0.48, end: 0.82 },
      { word: 'oov.2', start: 0.83, end: 1.39 },
      { word: 'videos', start: 1.4, end: 1.82 },
    ];
    expect(mapAlignedWords({ plan: p, recognised, durationSeconds: 2.3 })).toEqual([
      { text: 'Vidflow', start: 0, end: 0.47 },
      { text: 'makes', start: 0.48, end: 0.82 },
      { text: '42', start: 0.83, end: 1.39 },
      { text: 'videos.', start: 1.4, end: 1.82 },
    ]);
  });

  it('times words left out of the grammar between their neighbours by syllables, and after the last up to the end', () => {
    // "photosynthesis" (5 syllables) and "at" (1) share the 1.2 s between "the" and "sun"; "ok?" runs to the end.
    const p = plan(['the', 'photosynthesis', 'at', 'sun', 'ok?'], [
      { word: 0, name: 'the' },
      { word: 3, name: 'sun' },
    ]);
    const recognised = [
      { word: 'the', start: 0.1, end: 0.3 },
      { word: 'sun', start: 1.5, end: 1.9 },
    ];
    expect(mapAlignedWords({ plan: p, recognised, durationSeconds: 2.5 })).toEqual([
      { text: 'the', start: 0.1, end: 0.3 },
      { text: 'photosynthesis', start: 0.3, end: 1.3 },
      { text: 'at', start: 1.3, end: 1.5 },
      { text: 'sun', start: 1.5, end: 1.9 },
      { text: 'ok?', start: 1.9, end: 2.5 },
    ]);
  });

  it('refuses a result that is not the grammar word for word', () => {
    const p = plan(['a', 'b'], [
      { word: 0, name: 'a' },
      { word: 1, name: 'b' },
    ]);
    expect(() => mapAlignedWords({ plan: p, recognised: [{ word: 'a', start: 0, end: 0.2 }], durationSeconds: 1 })).toThrow(AlignmentError);
    expect(() =>
      mapAlignedWords({
        plan: p,
        recognised: [
          { word: 'b', start: 0, end: 0.2 },
          { word: 'a', start: 0.2, end: 0.4 },
        ],
        durationSeconds: 1,
      }),
    ).toThrow('the recogniser\'s words are not the grammar\'s: "b a", not "a b"');
  });
});
