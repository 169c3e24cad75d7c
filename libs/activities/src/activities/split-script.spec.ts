import { splitScript } from './split-script';

const texts = (script: string, options?: Parameters<typeof splitScript>[1]) => splitScript(script, options).map((s) => s.text);

describe('splitScript', () => {
  it('keeps a short script as one scene', () => {
    expect(texts('The moon is bright. It has phases!')).toEqual(['The moon is bright. It has phases!']);
  });

  it('groups whole sentences up to the target length and never splits one', () => {
    const script = 'One two three. Four five six? Seven eight nine! Ten eleven twelve.';
    expect(texts(script, { targetChars: 30 })).toEqual(['One two three. Four five six?', 'Seven eight nine!', 'Ten eleven twelve.']);
    expect(texts(script, { targetChars: 36 })).toEqual(['One two three. Four five six?', 'Seven eight nine! Ten eleven twelve.']);
  });

  it('keeps a sentence longer than the target whole', () => {
    const long = 'This one sentence is far longer than the tiny target that was asked for.';
    expect(texts(`Short. ${long} End.`, { targetChars: 10 })).toEqual(['Short.', long, 'End.']);
  });

  it('does not split at abbreviations or decimals', () => {
    expect(texts('Pi is about 3.14 in value. Next sentence.', { targetChars: 10 })).toEqual(['Pi is about 3.14 in value.', 'Next sentence.']);
  });

  it('collapses whitespace and line breaks', () => {
    expect(texts('  First line\n  continues here.\n\nSecond   paragraph.  ')).toEqual(['First line continues here. Second paragraph.']);
  });

  it('returns no scenes for a blank script', () => {
    expect(splitScript(' \n ')).toEqual([]);
  });

  it('splits Chinese at full stops, question and exclamation marks', () => {
    const script = '月亮是地球唯一的天然卫星。它总是同一面朝向我们！为什么会这样？因为潮汐锁定。';
    const scenes = texts(script, { language: 'zh', targetChars: 12 });
    expect(scenes).toEqual(['月亮是地球唯一的天然卫星。', '它总是同一面朝向我们！', '为什么会这样？', '因为潮汐锁定。']);
  });

  it('splits Japanese at 。', () => {
    expect(texts('今日は晴れです。明日は雨でしょう。', { language: 'ja', targetChars: 5 })).toEqual(['今日は晴れです。', '明日は雨でしょう。']);
  });

  it('never makes more than maxScenes, even when greedy packing needs more than length/maxScenes', () => {
    const short = Array.from({ length: 300 }, (_, i) => `Fact ${i} is short.`).join(' ');
    expect(splitScript(short, { maxScenes: 10 }).length).toBeLessThanOrEqual(10);
    const long = Array.from({ length: 150 }, (_, i) => `Sentence number ${i} talks about the sea, its tides, its fish and the ships that cross it at night.`).join(' ');
    expect(long.length).toBeLessThan(20000);
    const scenes = splitScript(long);
    expect(scenes.length).toBeLessThanOrEqual(100);
    expect(scenes.map((s) => s.text).join(' ')).toBe(long);
  });

  it('joins CJK sentences without a space', () => {
    expect(texts('今日は晴れです。明日は雨でしょう。', { language: 'ja' })).toEqual(['今日は晴れです。明日は雨でしょう。']);
  });
});
