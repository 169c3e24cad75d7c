import { buildCaptionCues, graphemeCount, splitPhrases, type CaptionScene } from './build-caption-cues';

const round2 = (n: number) => Math.round(n * 100) / 100;

describe('buildCaptionCues', () => {
  const scenes: CaptionScene[] = [
    { text: 'Hello there, this is the first scene of the video.', durationSeconds: 2.37 },
    { text: 'Second one.', durationSeconds: 1.111 },
    { text: 'And the third scene has rather more words than the others do.', durationSeconds: 3.3 },
  ];

  it('covers each scene from its offset to offset + duration, with contiguous cues', () => {
    let offset = 0;
    const all = buildCaptionCues({ scenes, maxChars: 16 });
    for (const scene of scenes) {
      const own = buildCaptionCues({ scenes: [scene], maxChars: 16 }).length;
      const cues = all.splice(0, own);
      expect(cues.length).toBeGreaterThan(0);
      expect(cues[0]!.start).toBe(round2(offset));
      expect(cues.at(-1)!.end).toBe(round2(offset + scene.durationSeconds));
      for (let i = 1; i < cues.length; i++) expect(cues[i]!.start).toBe(cues[i - 1]!.end);
      offset += scene.durationSeconds;
    }
    expect(all).toEqual([]);
  });

  it('has no gaps or overlaps between scenes and ends at the total duration', () => {
    const cues = buildCaptionCues({ scenes, maxChars: 16 });
    expect(cues[0]!.start).toBe(0);
    for (let i = 1; i < cues.length; i++) expect(cues[i]!.start).toBe(cues[i - 1]!.end);
    expect(cues.at(-1)!.end).toBe(6.78);
    for (const cue of cues) expect(cue.end).toBeGreaterThan(cue.start);
  });

  it('keeps the words of every scene, in order', () => {
    const cues = buildCaptionCues({ scenes, maxChars: 16 });
    expect(cues.map((c) => c.text).join(' ')).toBe(scenes.map((s) => s.text).join(' '));
  });

  it('gives longer phrases more time than shorter ones', () => {
    const cues = buildCaptionCues({ scenes: [{ text: 'Hi. This phrase is long enough.', durationSeconds: 3 }], maxChars: 24 });
    expect(cues.map((c) => c.text)).toEqual(['Hi. This phrase is long', 'enough.']);
    const [a, b] = cues.map((c) => c.end - c.start) as [number, number];
    expect(a).toBeGreaterThan(b);
  });
});

describe('splitPhrases', () => {
  it('keeps every phrase within maxChars graphemes, not counting the punctuation that ends it', () => {
    const text =
      'The quick brown fox jumps over the lazy dog while the small cat watches from the window and wonders why anyone would run.';
    for (const max of [10, 16, 28, 42]) {
      const phrases = splitPhrases(text, max);
      for (const p of phrases) expect(graphemeCount(p.replace(/[.,;:!?]+$/, ''))).toBeLessThanOrEqual(max);
      expect(phrases.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
    }
  });

  it('never starts a phrase with punctuation, even when the sentence fills maxChars exactly', () => {
    const phrases = splitPhrases('This is a fine day for a run. Let us go!', 28);
    expect(phrases).toEqual(['This is a fine day for a run.', 'Let us go!']);
    for (const max of [5, 8, 12, 28]) {
      for (const p of splitPhrases('One, two. Three; four! Five? Six, seven, eight.', max)) expect(p).not.toMatch(/^[.,;:!?]/);
    }
  });

  it('lets a single word longer than maxChars stand alone rather than cutting it', () => {
    expect(splitPhrases('a Supercalifragilisticexpialidocious word', 10)).toEqual([
      'a',
      'Supercalifragilisticexpialidocious',
      'word',
    ]);
  });

  it('prefers to end a phrase at punctuation', () => {
    expect(splitPhrases('The quick brown fox jumps over the lazy dog. Then, it sleeps; nobody minds at all!', 20)).toEqual([
      'The quick brown fox',
      'jumps over the lazy',
      'dog. Then,',
      'it sleeps;',
      'nobody minds at all!',
    ]);
  });

  it.each([
    ['zh', '今天我们来聊一聊月亮为什么总是同一面朝向地球这个问题非常有意思。月亮的自转和公转周期相同。'],
    ['ja', '東京は日本の首都であり、世界で最も人口の多い都市圏の一つです。'],
  ])('splits %s text that has no spaces', (language, text) => {
    const phrases = splitPhrases(text, 10, language);
    expect(phrases.length).toBeGreaterThan(2);
    for (const p of phrases) expect(graphemeCount(p)).toBeLessThanOrEqual(10);
    expect(phrases.join('')).toBe(text);
  });

  it('counts an emoji (ZWJ family, skin tone, flag) as one character', () => {
    expect(graphemeCount('👨‍👩‍👧')).toBe(1);
    expect(graphemeCount('👍🏽')).toBe(1);
    expect(graphemeCount('🇯🇵')).toBe(1);
    // Four family emoji are 4 graphemes (but 32 UTF-16 units): they fit a 4-character phrase.
    expect(splitPhrases('👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧 ok', 4)).toEqual(['👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧', 'ok']);
    expect(splitPhrases('I 👍🏽 it', 6)).toEqual(['I 👍🏽 it']);
  });

  it.each([
    ['ar', 'مرحبا بكم في هذا الفيديو القصير عن القمر، وهو جميل جدا.'],
    ['he', 'שלום לכולם וברוכים הבאים לסרטון הקצר הזה על הירח.'],
  ])('keeps %s (right-to-left) words in logical order', (language, text) => {
    const phrases = splitPhrases(text, 16, language);
    expect(phrases.length).toBeGreaterThan(1);
    expect(phrases.join(' ')).toBe(text);
    for (const p of phrases) expect(graphemeCount(p)).toBeLessThanOrEqual(16);
  });

  it('collapses whitespace and returns nothing for blank text', () => {
    expect(splitPhrases('  one \n\t two  ', 40)).toEqual(['one two']);
    expect(splitPhrases(' \n ', 40)).toEqual([]);
  });

  it('falls back to a default segmenter for an unknown language tag', () => {
    expect(splitPhrases('one two three', 7, 'not a tag!')).toEqual(['one two', 'three']);
  });

describe('buildCaptionCues rounding', () => {
  it('never lets rounding make captions of adjacent scenes overlap', () => {
    const cues = buildCaptionCues({
      scenes: [
        { text: 'one', durationSeconds: 1.162 },
        { text: 'two', durationSeconds: 0.493 },
        { text: 'three', durationSeconds: 1 },
      ],
      maxChars: 28,
    });
    for (let i = 1; i < cues.length; i++) expect(cues[i]!.start).toBe(cues[i - 1]!.end);
    for (let seed = 1; seed < 300; seed++) {
      const scenes = [1, 2, 3, 4].map((k) => ({ text: 'a b c, d e f. g h', durationSeconds: ((seed * 7919 * k) % 2000) / 997 + 0.1 }));
      const all = buildCaptionCues({ scenes, maxChars: 5 });
      for (let i = 1; i < all.length; i++) expect(all[i]!.start).toBe(all[i - 1]!.end);
    }
  });
});
});
