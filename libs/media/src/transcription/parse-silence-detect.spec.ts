import { parseSilenceDetect } from './parse-silence-detect';

describe('parseSilenceDetect', () => {
  const stderr = [
    'Input #0, wav, from \'audio.wav\':',
    '[silencedetect @ 0x55d5c8a0c2c0] silence_start: -0.0100625',
    '[silencedetect @ 0x55d5c8a0c2c0] silence_end: 1.50231 | silence_duration: 1.51237',
    'size=N/A time=00:00:05.00 bitrate=N/A speed= 900x',
    '[silencedetect @ 0x55d5c8a0c2c0] silence_start: 4.2',
    '[silencedetect @ 0x55d5c8a0c2c0] silence_end: 4.8 | silence_duration: 0.6',
    '[silencedetect @ 0x55d5c8a0c2c0] silence_start: 9.75',
  ];

  it('pairs starts with ends, clamps a negative first start, and closes an open silence at the end of the audio', () => {
    expect(parseSilenceDetect(stderr, 10)).toEqual([
      { start: 0, end: 1.50231 },
      { start: 4.2, end: 4.8 },
      { start: 9.75, end: 10 },
    ]);
  });

  it('reads a single string the same way and ignores an end without a start', () => {
    expect(parseSilenceDetect(['[silencedetect @ 0x1] silence_end: 2 | silence_duration: 2', ...stderr].join('\n'), 10)).toHaveLength(3);
  });

  it('finds nothing in speech without pauses', () => {
    expect(parseSilenceDetect(['size=N/A time=00:00:05.00'], 5)).toEqual([]);
  });
});
