import { verboseSegments } from './openai-speech-to-text.provider';

describe('verboseSegments (OpenAI verbose_json)', () => {
  const segment = (id: number, start: number, end: number, text: string) => ({
    id, start, end, text, seek: 0, tokens: [], temperature: 0, avg_logprob: 0, compression_ratio: 1, no_speech_prob: 0,
  });

  it('gives every word to the segment its start falls in', () => {
    const r = {
      text: 'Hello there. General Kenobi.',
      duration: 4,
      segments: [segment(0, 0, 1.5, ' Hello there.'), segment(1, 1.6, 3.9, ' General Kenobi.')],
      words: [
        { word: 'Hello', start: 0.1, end: 0.5 },
        { word: 'there.', start: 0.6, end: 1.4 },
        { word: ' General', start: 1.7, end: 2.5 },
        { word: 'Kenobi.', start: 2.6, end: 3.8 },
      ],
    };
    expect(verboseSegments(r)).toEqual([
      { start: 0, end: 1.5, text: 'Hello there.', words: [{ word: 'Hello', start: 0.1, end: 0.5 }, { word: 'there.', start: 0.6, end: 1.4 }] },
      { start: 1.6, end: 3.9, text: 'General Kenobi.', words: [{ word: 'General', start: 1.7, end: 2.5 }, { word: 'Kenobi.', start: 2.6, end: 3.8 }] },
    ]);
  });

  it('falls back to words alone, then to the text over the whole audio, and drops blank segments', () => {
    expect(verboseSegments({ text: 'a b', duration: 2, words: [{ word: 'a', start: 0, end: 1 }, { word: 'b', start: 1, end: 2 }] })).toEqual([
      { start: 0, end: 2, text: 'a b', words: [{ word: 'a', start: 0, end: 1 }, { word: 'b', start: 1, end: 2 }] },
    ]);
    expect(verboseSegments({ text: ' Just text. ', duration: 3.5 })).toEqual([{ start: 0, end: 3.5, text: 'Just text.' }]);
    expect(verboseSegments({ text: '', duration: 3, segments: [segment(0, 0, 3, '  ')] })).toEqual([]);
  });
});
