import { CsvError, parseCsv } from './parse-csv';

const fields = (text: string) => parseCsv(text).map((r) => r.fields);

describe('parseCsv (RFC 4180)', () => {
  it('splits records on CRLF or LF and fields on commas, keeping empty fields', () => {
    expect(fields('a,b,c\r\n1,,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '', '3'],
    ]);
    expect(fields('a,b\n1,')).toEqual([
      ['a', 'b'],
      ['1', ''],
    ]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    const text = 'topic,script\r\n"a, b","She said ""hi"".\r\nThen left."\r\n"",x\r\n';
    expect(fields(text)).toEqual([
      ['topic', 'script'],
      ['a, b', 'She said "hi".\r\nThen left.'],
      ['', 'x'],
    ]);
  });

  it('reports the line each record starts on, counting line breaks inside quotes', () => {
    expect(parseCsv('h\n"one\ntwo"\nthree\n').map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('skips a byte-order mark and blank lines', () => {
    expect(fields('\ufefftopic\n\nsea\n\n')).toEqual([['topic'], ['sea']]);
  });

  it('rejects an unterminated quote, text after a closing quote and a bare quote, with the line', () => {
    expect(() => parseCsv('a\n"open\nstill open')).toThrow(new CsvError('unterminated quoted field', 2));
    expect(() => parseCsv('a\n"x"y')).toThrow(/^line 2: unexpected "y" after a closing quote/);
    expect(() => parseCsv('a\nb"c')).toThrow(/^line 2: a quote inside an unquoted field/);
  });
});
