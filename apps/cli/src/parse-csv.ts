/** A CSV syntax error, with the 1-based line where it was found. */
export class CsvError extends Error {
  override readonly name = 'CsvError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/**
 * RFC 4180 CSV: fields separated by commas, records by CRLF (a bare LF is accepted too), fields in double
 * quotes may hold commas, quotes (doubled: `""`) and line breaks. A UTF-8 byte-order mark (Excel writes
 * one) is skipped, and the line break after the last record does not make an empty record.
 * Each record comes back with the line it started on, for error messages.
 */
export function parseCsv(text: string): Array<{ line: number; fields: string[] }> {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  // Whether the current record has any content yet: an empty line between records is skipped.
  let started = false;

  const endField = () => {
    fields.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    if (started) records.push({ line: recordLine, fields });
    fields = [];
    started = false;
  };

  while (i < src.length) {
    const ch = src[i]!;
    if (!started) {
      recordLine = line;
    }
    if (ch === '"' && field === '') {
      started = true;
      const openLine = line;
      i++;
      for (;;) {
        if (i >= src.length) throw new CsvError('unterminated quoted field', openLine);
        const c = src[i]!;
        if (c === '"') {
          if (src[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n') line++;
        field += c;
        i++;
      }
      const next = src[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new CsvError(`unexpected ${JSON.stringify(next)} after a closing quote (quotes inside a field are written "")`, line);
      }
      continue;
    }
    if (ch === ',') {
      started = true;
      endField();
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
      endRecord();
      line++;
      continue;
    }
    if (ch === '"') throw new CsvError('a quote inside an unquoted field (quote the whole field and double the quote)', line);
    started = true;
    field += ch;
    i++;
  }
  if (started || field !== '') endRecord();
  return records;
}
