import { assTime, buildAssSubtitles, captionLayout, escapeAssText } from './build-ass-subtitles';

const dialogues = (ass: string) => ass.split('\n').filter((l) => l.startsWith('Dialogue:'));
/** The Text field: everything after the ninth comma of a Dialogue line. */
const textOf = (line: string) => line.split(',').slice(9).join(',');

describe('buildAssSubtitles', () => {
  it('uses the frame size as the script resolution', () => {
    const ass = buildAssSubtitles([], { width: 320, height: 568 });
    expect(ass.split('\n')).toEqual(expect.arrayContaining(['PlayResX: 320', 'PlayResY: 568']));
    const landscape = buildAssSubtitles([], { width: 1920, height: 1080 });
    expect(landscape).toContain('PlayResX: 1920\nPlayResY: 1080\n');
  });

  it('writes one Dialogue line per cue with ASS times, in cue order', () => {
    const ass = buildAssSubtitles(
      [
        { start: 0, end: 1.5, text: 'Hello there,' },
        { start: 1.5, end: 3661.257, text: 'and welcome.' },
      ],
      { width: 320, height: 568 },
    );
    expect(dialogues(ass)).toEqual([
      'Dialogue: 0,0:00:00.00,0:00:01.50,Caption,,0,0,0,,Hello there,',
      'Dialogue: 0,0:00:01.50,1:01:01.26,Caption,,0,0,0,,and welcome.',
    ]);
  });

  it('styles captions from the frame: font size, bottom margin and font', () => {
    const ass = buildAssSubtitles([], { width: 1080, height: 1920, font: 'DejaVu Sans' });
    const style = ass.split('\n').find((l) => l.startsWith('Style: '))!.slice('Style: '.length).split(',');
    const l = captionLayout(1080, 1920);
    expect(style[0]).toBe('Caption');
    expect(style[1]).toBe('DejaVu Sans');
    expect(Number(style[2])).toBe(l.fontSize);
    expect(style.at(-2)).toBe(String(l.marginV));
    expect(buildAssSubtitles([], { width: 64, height: 64 })).toContain('Style: Caption,Noto Sans,');
  });

  it('does not let user text inject override tags, escapes or extra events', () => {
    const ass = buildAssSubtitles(
      [{ start: 0, end: 2, text: String.raw`{\b1}bold{\b0} C:\new\N next` + '\nDialogue: 0,0:00:00.00,9:00:00.00,Caption,,0,0,0,,pwned' }],
      { width: 320, height: 568 },
    );
    const lines = dialogues(ass);
    expect(lines).toHaveLength(1);
    const text = textOf(lines[0]!);
    // Every brace is escaped (libass prints \{ and \} literally) ...
    expect(text).not.toMatch(/(^|[^\\])[{}]/);
    // ... and no backslash starts anything but a literal brace (no \b1, \N, \n, \h).
    expect(text).not.toMatch(/\\[^{}]/);
    expect(text).toContain('bold');
    expect(text).toContain('pwned');
  });

  it('shows a backslash as a fullwidth reverse solidus and braces as escaped braces', () => {
    expect(escapeAssText(String.raw`{\b1}x`)).toBe('\\{\uFF3Cb1\\}x');
    expect(escapeAssText(String.raw`a\Nb`)).toBe('a\uFF3CNb');
    expect(escapeAssText(' line one\n\nline two ')).toBe('line one line two');
  });
});

describe('assTime', () => {
  it.each([
    [0, '0:00:00.00'],
    [1.5, '0:00:01.50'],
    [59.999, '0:01:00.00'],
    [61.04, '0:01:01.04'],
    [3661.257, '1:01:01.26'],
    [36000, '10:00:00.00'],
    [-2, '0:00:00.00'],
  ])('%d s -> %s', (seconds, expected) => {
    expect(assTime(seconds)).toBe(expected);
  });
});

describe('captionLayout', () => {
  it('uses shorter lines and a higher bottom margin for portrait frames', () => {
    const portrait = captionLayout(1080, 1920);
    const landscape = captionLayout(1920, 1080);
    expect(portrait.maxChars).toBe(28);
    expect(landscape.maxChars).toBe(42);
    // Portrait: keep clear of the bottom fifth that phone apps cover.
    expect(portrait.marginV).toBe(384);
    expect(landscape.marginV).toBe(86);
  });
});
