import { parseTimemark } from './parse-timemark';

describe('parseTimemark', () => {
  it.each([
    ['00:00:00.00', 0],
    ['00:00:01.50', 1.5],
    ['00:01:02.25', 62.25],
    ['01:01:01.26', 3661.26],
    ['100:00:00', 360000],
    [' 00:00:03.00 ', 3],
  ])('%j -> %d s', (mark, seconds) => {
    expect(parseTimemark(mark)).toBeCloseTo(seconds, 6);
  });

  it('treats a negative time (ffmpeg prints one before the first frame) as 0', () => {
    expect(parseTimemark('-00:00:00.04')).toBe(0);
    expect(parseTimemark('-00:00:05.00')).toBe(0);
  });

  it.each([undefined, '', 'N/A', '1.5', '00:1:02', 'aa:bb:cc', '00:00:01.50x'])('returns undefined for %j', (mark) => {
    expect(parseTimemark(mark)).toBeUndefined();
  });
});
