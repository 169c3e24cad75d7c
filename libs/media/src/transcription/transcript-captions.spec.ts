import { buildTranscriptCaptions } from './transcript-captions';
import type { Transcript } from './merge-chunk-transcripts';

const frame = { width: 1280, height: 720 };
const dialogues = (ass: string) => ass.split('\n').filter((l) => l.startsWith('Dialogue:'));
const styleLine = (ass: string) => ass.split('\n').find((l) => l.startsWith('Style: '))!;

const transcript: Transcript = {
  language: 'en',
  durationSeconds: 20,
  engine: 'test',
  segments: [
    {
      id: 0,
      start: 2,
      end: 4,
      text: 'hello there world',
      words: [
        { word: 'hello', start: 2, end: 2.5 },
        { word: 'there', start: 2.6, end: 3.1 },
        { word: 'world', start: 3.2, end: 4 },
      ],
    },
    { id: 1, start: 10, end: 12, text: 'no word times here' },
  ],
};

describe('buildTranscriptCaptions', () => {
  it('uses the request style: font, size, colours, position, upper case', () => {
    const ass = buildTranscriptCaptions(transcript, {
      captions: { preset: 'clean', font: 'Noto Serif', size: 40, color: '#ff0000', position: 'top', uppercase: true, mode: 'phrase' },
      ...frame,
    });
    expect(styleLine(ass)).toMatch(/^Style: Caption,Noto Serif,40,&H000000FF&,/);
    // Alignment 8: top centre.
    expect(styleLine(ass).split(',')[18]).toBe('8');
    expect(ass).toContain('PlayResX: 1280\nPlayResY: 720\n');
    const lines = dialogues(ass);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('HELLO THERE WORLD');
  });

  it('keeps cues on the file timeline: nothing during the silences, each cue within its segment', () => {
    const lines = dialogues(buildTranscriptCaptions(transcript, { captions: { mode: 'phrase' }, ...frame }));
    expect(lines.map((l) => l.split(',').slice(1, 3))).toEqual([
      ['0:00:02.00', '0:00:04.00'],
      ['0:00:10.00', '0:00:12.00'],
    ]);
  });

  it('in word mode highlights each recognised word from its own start time', () => {
    const lines = dialogues(buildTranscriptCaptions(transcript, { captions: { preset: 'bold' }, ...frame }));
    const first = lines.slice(0, 3).map((l) => l.split(',').slice(1, 3));
    expect(first).toEqual([
      ['0:00:02.00', '0:00:02.60'],
      ['0:00:02.60', '0:00:03.20'],
      ['0:00:03.20', '0:00:04.00'],
    ]);
    // The highlighted word changes from event to event.
    expect(lines[0]).toMatch(/\\1c&H0000D4FF&\}HELLO/);
    expect(lines[1]).toMatch(/\\1c&H0000D4FF&\}THERE/);
  });

  it('draws nothing for an empty transcript', () => {
    expect(dialogues(buildTranscriptCaptions({ ...transcript, segments: [] }, frame))).toEqual([]);
  });
});
