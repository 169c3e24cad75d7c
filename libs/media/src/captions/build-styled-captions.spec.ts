import { assColor, buildStyledCaptions, displayWidth, groupBlocks } from './build-styled-captions';
import { resolveCaptionStyle } from './caption-style';
import { matchWordTimes, syllableWeight, timeTokens, tokenizeCaptionText } from './caption-words';

const frame = { width: 1080, height: 1920 };
const dialogues = (ass: string) => ass.split('\n').filter((l) => l.startsWith('Dialogue:'));
const styleLine = (ass: string) => ass.split('\n').find((l) => l.startsWith('Style: '))!;

describe('resolveCaptionStyle', () => {
  it('defaults to the bold preset: large, heavy, upper case, thick outline, word highlight, centred in the lower third', () => {
    expect(resolveCaptionStyle(undefined, frame)).toEqual({
      mode: 'word', highlight: 'word', font: 'Noto Sans', bold: true, fontSize: 95, color: '#ffffff', highlightColor: '#ffd400',
      outlineColor: '#000000', outlineWidth: 11, shadow: 4, box: false, boxColor: '#000000', position: 'bottom', margin: 422,
      marginH: 76, maxWordsPerLine: 3, lines: 2, uppercase: true, maxChars: 14,
    });
  });

  it('lets every field override its preset and scales preset sizes with the frame', () => {
    const s = resolveCaptionStyle(
      { preset: 'clean', mode: 'word', font: 'Noto Serif', size: 50, color: '#ff0000', highlightColor: '#00ff00', outlineColor: '#0000ff', outlineWidth: 2, shadow: 0, box: true, position: 'top', margin: 30, maxWordsPerLine: 2, lines: 1, uppercase: true },
      frame,
    );
    expect(s).toMatchObject({ mode: 'word', font: 'Noto Serif', fontSize: 50, color: '#ff0000', highlightColor: '#00ff00', outlineColor: '#0000ff', outlineWidth: 2, shadow: 0, box: true, position: 'top', margin: 30, maxWordsPerLine: 2, lines: 1, uppercase: true });
    expect(resolveCaptionStyle({ preset: 'clean' }, { width: 540, height: 960 }).fontSize).toBe(31);
    expect(resolveCaptionStyle({ preset: 'clean' }, frame).fontSize).toBe(63);
    // Landscape: the shorter side decides the size; the bottom margin is lower.
    expect(resolveCaptionStyle({}, { width: 1920, height: 1080 })).toMatchObject({ fontSize: 95, margin: 86 });
  });
});

describe('buildStyledCaptions', () => {
  it('writes the bold style line exactly (ASS colours are &HAABBGGRR)', () => {
    const { ass } = buildStyledCaptions({ scenes: [], style: resolveCaptionStyle({}, frame), ...frame });
    expect(styleLine(ass)).toBe('Style: Caption,Noto Sans,95,&H00FFFFFF&,&H0000D4FF&,&H00000000&,&H80000000&,-1,0,0,0,100,100,0,0,1,11,4,2,76,76,422,-1');
    expect(ass).toContain('PlayResX: 1080\nPlayResY: 1920\n');
  });

  it('draws a box (BorderStyle 3, box colour in OutlineColour, no shadow) and places middle/top text', () => {
    const boxed = buildStyledCaptions({ scenes: [], style: resolveCaptionStyle({ preset: 'boxed', position: 'middle' }, frame), ...frame });
    expect(styleLine(boxed.ass)).toBe('Style: Caption,Noto Sans,71,&H00FFFFFF&,&H0000D4FF&,&H50000000&,&H80000000&,-1,0,0,0,100,100,0,0,3,15,0,5,76,76,0,-1');
    const top = buildStyledCaptions({ scenes: [], style: resolveCaptionStyle({ preset: 'clean', position: 'top' }, frame), ...frame });
    expect(styleLine(top.ass)).toBe('Style: Caption,Noto Sans,63,&H00FFFFFF&,&H0000D4FF&,&H00000000&,&H80000000&,0,0,0,0,100,100,0,0,1,4,3,8,76,76,230,-1');
  });

  it('word mode: one event per word, the spoken word in the highlight colour, times from the provider', () => {
    const words = [
      { text: 'Ships', start: 0.1, end: 0.5 },
      { text: 'sail', start: 0.6, end: 0.9 },
      { text: 'home.', start: 1.0, end: 1.6 },
    ];
    const r = buildStyledCaptions({ scenes: [{ text: 'Ships sail home.', durationSeconds: 2, words }], style: resolveCaptionStyle({}, frame), ...frame });
    expect(dialogues(r.ass)).toEqual([
      'Dialogue: 0,0:00:00.00,0:00:00.60,Caption,,0,0,0,,{\\1c&H0000D4FF&}SHIPS{\\1c&H00FFFFFF&} SAIL\\NHOME.',
      'Dialogue: 0,0:00:00.60,0:00:01.00,Caption,,0,0,0,,SHIPS {\\1c&H0000D4FF&}SAIL{\\1c&H00FFFFFF&}\\NHOME.',
      'Dialogue: 0,0:00:01.00,0:00:02.00,Caption,,0,0,0,,SHIPS SAIL\\N{\\1c&H0000D4FF&}HOME.{\\1c&H00FFFFFF&}',
    ]);
    expect(r.events).toEqual([
      { start: 0, end: 0.6, text: 'SHIPS SAIL HOME.' },
      { start: 0.6, end: 1, text: 'SHIPS SAIL HOME.' },
      { start: 1, end: 2, text: 'SHIPS SAIL HOME.' },
    ]);
    expect(r.wordTimes).toEqual(['provider']);
  });

  it('karaoke fills every word spoken so far; phrase mode writes one event per cue with lines joined by \\N', () => {
    const scene = { text: 'Ships sail home.', durationSeconds: 2, words: [{ text: 'Ships', start: 0, end: 0.5 }, { text: 'sail', start: 0.5, end: 1 }, { text: 'home', start: 1, end: 2 }] };
    const k = buildStyledCaptions({ scenes: [scene], style: resolveCaptionStyle({ preset: 'karaoke' }, frame), ...frame });
    expect(dialogues(k.ass)[1]).toBe('Dialogue: 0,0:00:00.50,0:00:01.00,Caption,,0,0,0,,{\\1c&H00FFE000&}Ships{\\1c&H00FFFFFF&} {\\1c&H00FFE000&}sail{\\1c&H00FFFFFF&} home.');
    const p = buildStyledCaptions({ scenes: [scene], style: resolveCaptionStyle({ preset: 'clean', maxWordsPerLine: 2 }, frame), ...frame });
    expect(dialogues(p.ass)).toEqual(['Dialogue: 0,0:00:00.00,0:00:02.00,Caption,,0,0,0,,Ships sail\\Nhome.']);
  });

  it('without provider times estimates by syllables within the speech, cues never cross scenes, and user markup stays text', () => {
    const r = buildStyledCaptions({
      scenes: [
        { text: 'Go {\\b1}now', durationSeconds: 2, speechSeconds: 1.5 },
        { text: 'Beautiful.', durationSeconds: 1 },
      ],
      style: resolveCaptionStyle({ uppercase: false }, frame),
      ...frame,
    });
    expect(r.wordTimes).toEqual(['estimate', 'estimate']);
    // "Go" 1 syllable, "{\b1}" 2.5 (a letter and a digit), "now" 1: shares of the 1.5 s of speech; the cue lasts to the scene end.
    // The braces are escaped and the backslash is a fullwidth solidus, so no override tag reaches libass.
    expect(dialogues(r.ass)).toEqual([
      'Dialogue: 0,0:00:00.00,0:00:00.33,Caption,,0,0,0,,{\\1c&H0000D4FF&}Go{\\1c&H00FFFFFF&} \\{＼b1\\}now',
      'Dialogue: 0,0:00:00.33,0:00:01.17,Caption,,0,0,0,,Go {\\1c&H0000D4FF&}\\{＼b1\\}{\\1c&H00FFFFFF&}now',
      'Dialogue: 0,0:00:01.17,0:00:02.00,Caption,,0,0,0,,Go \\{＼b1\\}{\\1c&H0000D4FF&}now{\\1c&H00FFFFFF&}',
      'Dialogue: 0,0:00:02.00,0:00:03.00,Caption,,0,0,0,,{\\1c&H0000D4FF&}Beautiful.{\\1c&H00FFFFFF&}',
    ]);
  });

  it('keeps right-to-left and CJK text as written (libass shapes and reorders it)', () => {
    const r = buildStyledCaptions({ scenes: [{ text: 'مرحبا بالعالم', durationSeconds: 1 }, { text: '你好世界。', durationSeconds: 1 }], style: resolveCaptionStyle({ mode: 'phrase' }, frame), ...frame, language: 'ar' });
    expect(r.events.map((e) => e.text)).toEqual(['مرحبا بالعالم', '你好世界。']);
  });
});

describe('groupBlocks', () => {
  const tokens = (text: string) => tokenizeCaptionText(text);
  it('breaks lines at maxWordsPerLine, at clause breaks, and cues at sentences and at the line count', () => {
    const t = (blocks: ReturnType<typeof groupBlocks>) => blocks.map((b) => b.map((l) => l.map((w) => w.text).join(' ')));
    const style = { maxWordsPerLine: 3, lines: 2, maxChars: 40 };
    expect(t(groupBlocks(tokens('one two three four five six seven. Eight, nine ten'), style))).toEqual([
      ['one two three', 'four five six'],
      ['seven.'],
      // A clause break ends a line only once it holds two words.
      ['Eight, nine ten'],
    ]);
    expect(t(groupBlocks(tokens('lighthouse keepers everywhere'), { ...style, maxChars: 12 }))).toEqual([['lighthouse', 'keepers'], ['everywhere']]);
  });
  it('counts CJK characters as wide', () => {
    expect(displayWidth('ab你好')).toBeCloseTo(5.2);
  });
});

describe('words', () => {
  it('tokenizes with punctuation attached and no spaces inside CJK', () => {
    expect(tokenizeCaptionText('"Hello," she said - twice.')).toEqual([
      { text: '"Hello,"', spaceAfter: true },
      { text: 'she', spaceAfter: true },
      { text: 'said -', spaceAfter: true },
      { text: 'twice.', spaceAfter: false },
    ]);
    expect(tokenizeCaptionText('你好世界', 'zh').map((t) => [t.text, t.spaceAfter])).toEqual([['你好', false], ['世界', false]]);
  });

  it.each([
    ['cat', 1], ['lighthouse', 2], ['make', 1], ['table', 2], ['beautiful', 3], ['night.', 2], ['sea,', 1.5], ['2026', 6], ['灯塔', 2], ['a', 1],
  ])('syllableWeight(%j) = %d', (word, n) => {
    expect(syllableWeight(word)).toBe(n);
  });

  it('matches spoken words to tokens in order, skipping words the provider added, and interpolates the rest', () => {
    const toks = tokenizeCaptionText('In 2026 ships sail.');
    const spoken = [
      { text: 'in', start: 0, end: 0.2 }, { text: 'twenty', start: 0.2, end: 0.5 }, { text: 'twenty', start: 0.5, end: 0.8 },
      { text: 'six', start: 0.8, end: 1 }, { text: 'ships', start: 1, end: 1.4 }, { text: 'sail', start: 1.4, end: 2 },
    ];
    const known = matchWordTimes(toks, spoken);
    expect(known).toEqual([{ start: 0, end: 0.2 }, undefined, { start: 1, end: 1.4 }, { start: 1.4, end: 2 }]);
    expect(timeTokens(toks, known, { start: 0, end: 2 }).map((w) => [w.start, w.end])).toEqual([[0, 0.2], [0.2, 1], [1, 1.4], [1.4, 2]]);
  });
});

describe('assColor', () => {
  it.each([
    ['#ffd400', 0, '&H0000D4FF&'],
    ['#abc', 0x80, '&H80CCBBAA&'],
  ])('%s alpha %d -> %s', (hex, alpha, ass) => expect(assColor(hex, alpha)).toBe(ass));
  it('refuses anything but hex', () => expect(() => assColor('red')).toThrow('not a hex colour'));
});
