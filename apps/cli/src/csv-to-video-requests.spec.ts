import { csvToVideoRequests, normalizeColumn } from './csv-to-video-requests';
import { applyBatchFlags, parseBatchFile } from './parse-batch-file';

describe('csvToVideoRequests', () => {
  it('maps columns to request fields, converting numbers and booleans and leaving out empty cells', () => {
    const csv =
      'topic,script,language,voice,speed,aspect,height,fps,captions,target_seconds,Background-Color,cacheMode,music\n' +
      'octopuses,,en,en-us,1.2,16:9,720,24,false,30,#112233,bypass,\n' +
      ',"One. Two, three.",de,,,,,,,,,,songs/a.mp3\n';
    expect(csvToVideoRequests(csv)).toEqual([
      {
        topic: 'octopuses',
        language: 'en',
        voice: { name: 'en-us', speed: 1.2 },
        render: { aspect: '16:9', height: 720, fps: 24, captions: { enabled: false }, background: { color: '#112233' } },
        llm: { targetSeconds: 30 },
        cache: { mode: 'bypass' },
      },
      { script: 'One. Two, three.', language: 'de', render: { music: { source: 'songs/a.mp3' } } },
    ]);
  });

  it('accepts the flag spelling, snake_case and camelCase for a column', () => {
    expect(['target-seconds', 'target_seconds', 'targetSeconds', ' Target Seconds '].map(normalizeColumn)).toEqual(
      Array(4).fill('target_seconds'),
    );
  });

  it('names an unknown column, a bad number and a row with too many fields', () => {
    expect(() => csvToVideoRequests('topic,colour\nx,red\n')).toThrow(/^unknown CSV column "colour"; known columns: topic, script, /);
    expect(() => csvToVideoRequests('topic,fps\nx,fast\n')).toThrow('line 2, column fps: expected a whole number, got "fast"');
    expect(() => csvToVideoRequests('topic,captions\nx,maybe\n')).toThrow('line 2, column captions: expected true or false');
    expect(() => csvToVideoRequests('topic\n"a",b\n')).toThrow('line 2: 2 fields but the header has 1 columns');
    expect(() => csvToVideoRequests('topic\n')).toThrow('no videos');
  });
});

describe('parseBatchFile', () => {
  it('takes a JSON array as items, a JSON object as the whole request, and .csv as CSV', () => {
    expect(parseBatchFile({ path: 'b.json', text: '[{"topic":"a"}]' })).toEqual({ items: [{ topic: 'a' }] });
    const whole = { items: [{ topic: 'a' }], defaults: { language: 'de' }, maxConcurrent: 2, stopOnError: true };
    expect(parseBatchFile({ path: 'b.json', text: JSON.stringify(whole) })).toEqual(whole);
    expect(parseBatchFile({ path: 'B.CSV', text: 'topic\na\nb\n' })).toEqual({ items: [{ topic: 'a' }, { topic: 'b' }] });
  });

  it('names the file and the problem', () => {
    expect(() => parseBatchFile({ path: 'b.json', text: 'topic\na' })).toThrow(/^b\.json is not valid JSON .*CSV files need the \.csv extension$/s);
    expect(() => parseBatchFile({ path: 'b.json', text: '{"topic":"a"}' })).toThrow('b.json must hold an array of video requests');
    expect(() => parseBatchFile({ path: 'b.csv', text: 'topic\n"a' })).toThrow('b.csv: line 2: unterminated quoted field');
  });

  it('lets --max-concurrent and --stop-on-error override the file', () => {
    const body = { items: [{ topic: 'a' }], maxConcurrent: 9, stopOnError: false };
    expect(applyBatchFlags(body, { maxConcurrent: 3, stopOnError: true })).toEqual({ items: [{ topic: 'a' }], maxConcurrent: 3, stopOnError: true });
    expect(applyBatchFlags(body, { stopOnError: false })).toEqual(body);
  });
});
