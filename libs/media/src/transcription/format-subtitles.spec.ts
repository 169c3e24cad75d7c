import { formatPlainText, formatSrt, formatTranscriptJson, formatVtt, subtitleCues, timestamp } from './format-subtitles';
import { mergeChunkTranscripts, type Transcript } from './merge-chunk-transcripts';

const transcript = mergeChunkTranscripts({
  language: 'en',
  durationSeconds: 61.5,
  engine: 'pocketsphinx 5prealpha',
  chunks: [
    // Out of order on purpose: chunks finish in any order.
    {
      offset: 29.5,
      durationSeconds: 32,
      segments: [
        {
          start: 0.2,
          end: 2.1,
          text: 'he was not an ill disposed young man',
          words: [
            { word: 'he', start: 0.2, end: 0.35, confidence: 0.98 },
            { word: 'was', start: 0.35, end: 0.6 },
            { word: 'not', start: 0.6, end: 0.9 },
            { word: 'an', start: 0.9, end: 1.0 },
            { word: 'ill', start: 1.0, end: 1.3 },
            { word: 'disposed', start: 1.3, end: 1.8 },
            { word: 'young', start: 1.8, end: 1.95 },
            { word: 'man', start: 1.95, end: 2.2 },
          ],
        },
        { start: 31.9, end: 32.4, text: '  ' },
      ],
    },
    {
      offset: 0,
      durationSeconds: 29.5,
      segments: [{ start: 1, end: 3.5, text: 'Hello, <world> & --> all of you.' }],
    },
  ],
});

describe('mergeChunkTranscripts', () => {
  it('moves every time by its chunk offset, clamps words to their segment, drops empty segments and numbers them', () => {
    expect(transcript).toEqual<Transcript>({
      language: 'en',
      durationSeconds: 61.5,
      engine: 'pocketsphinx 5prealpha',
      segments: [
        { id: 0, start: 1, end: 3.5, text: 'Hello, <world> & --> all of you.' },
        {
          id: 1,
          start: 29.7,
          end: 31.6,
          text: 'he was not an ill disposed young man',
          words: [
            { word: 'he', start: 29.7, end: 29.85, confidence: 0.98 },
            { word: 'was', start: 29.85, end: 30.1 },
            { word: 'not', start: 30.1, end: 30.4 },
            { word: 'an', start: 30.4, end: 30.5 },
            { word: 'ill', start: 30.5, end: 30.8 },
            { word: 'disposed', start: 30.8, end: 31.3 },
            { word: 'young', start: 31.3, end: 31.45 },
            { word: 'man', start: 31.45, end: 31.6 },
          ],
        },
      ],
    });
  });

  it('never lets a chunk reach past its end or back over the previous segment', () => {
    const merged = mergeChunkTranscripts({
      language: 'en',
      durationSeconds: 20,
      engine: 'x',
      chunks: [
        { offset: 0, durationSeconds: 10, segments: [{ start: 8, end: 10.4, text: 'a' }] },
        { offset: 10, durationSeconds: 10, segments: [{ start: -0.1, end: 1, text: 'b' }] },
      ],
    });
    expect(merged.segments.map((s) => [s.start, s.end])).toEqual([
      [8, 10],
      [10, 11],
    ]);
  });
});

describe('subtitle formats', () => {
  const cues = subtitleCues(transcript, { maxChars: 20, maxSeconds: 7 });

  it('groups words into cues within the line length, and splits text without words into phrases', () => {
    expect(cues).toEqual([
      // Punctuation stays with the phrase it ends; phrases are timed by their share of the letters (17 and 9 of 26).
      { start: 1, end: 2.635, text: 'Hello, <world> & -->' },
      { start: 2.635, end: 3.5, text: 'all of you.' },
      { start: 29.7, end: 30.8, text: 'he was not an ill' },
      { start: 30.8, end: 31.6, text: 'disposed young man' },
    ]);
  });

  it('writes SubRip exactly', () => {
    expect(formatSrt(cues)).toBe(
      [
        '1',
        '00:00:01,000 --> 00:00:02,635',
        'Hello, <world> & -->',
        '',
        '2',
        '00:00:02,635 --> 00:00:03,500',
        'all of you.',
        '',
        '3',
        '00:00:29,700 --> 00:00:30,800',
        'he was not an ill',
        '',
        '4',
        '00:00:30,800 --> 00:00:31,600',
        'disposed young man',
        '',
      ].join('\n'),
    );
  });

  it('writes WebVTT exactly, escaping markup characters', () => {
    expect(formatVtt(cues)).toBe(
      [
        'WEBVTT',
        '',
        '00:00:01.000 --> 00:00:02.635',
        'Hello, &lt;world&gt; &amp; --&gt;',
        '',
        '00:00:02.635 --> 00:00:03.500',
        'all of you.',
        '',
        '00:00:29.700 --> 00:00:30.800',
        'he was not an ill',
        '',
        '00:00:30.800 --> 00:00:31.600',
        'disposed young man',
        '',
      ].join('\n'),
    );
    expect(formatVtt([])).toBe('WEBVTT\n');
  });

  it('writes plain text one segment per line, and JSON as the transcript itself', () => {
    expect(formatPlainText(transcript)).toBe('Hello, <world> & --> all of you.\nhe was not an ill disposed young man\n');
    expect(JSON.parse(formatTranscriptJson(transcript))).toEqual(transcript);
    expect(formatTranscriptJson(transcript).endsWith('}\n')).toBe(true);
  });

  it('formats timestamps past an hour, rounding to milliseconds', () => {
    expect(timestamp(3725.0004, ',')).toBe('01:02:05,000');
    expect(timestamp(360000.5, '.')).toBe('100:00:00.500');
    expect(timestamp(-1, '.')).toBe('00:00:00.000');
  });

  it('ends a word cue that would stay on screen too long', () => {
    const slow: Transcript = {
      language: 'en',
      durationSeconds: 20,
      engine: 'x',
      segments: [{ id: 0, start: 0, end: 12, text: 'a b c', words: [
        { word: 'a', start: 0, end: 1 },
        { word: 'b', start: 5, end: 6 },
        { word: 'c', start: 10, end: 12 },
      ] }],
    };
    expect(subtitleCues(slow).map((c) => c.text)).toEqual(['a b', 'c']);
  });
});
