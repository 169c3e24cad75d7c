import { parseCsv } from './parse-csv';
import { CAPTIONS_PATH, REQUEST_OPTIONS, setPath, type RequestOption } from './request-options';

/** A batch CSV whose content does not map to requests (unknown column, a number that is not one). */
export class BatchFileError extends Error {
  override readonly name = 'BatchFileError';
}

type Column = Pick<RequestOption, 'path' | 'type'>;

/**
 * CSV columns: `topic`, `script`, `captions` (true/false) and every request option of `create` by its flag
 * name (`target_seconds` or `target-seconds`; camelCase `targetSeconds` works as well).
 */
const COLUMNS: ReadonlyMap<string, Column> = new Map<string, Column>([
  ['topic', { path: ['topic'], type: 'string' }],
  ['script', { path: ['script'], type: 'string' }],
  ['captions', { path: CAPTIONS_PATH, type: 'boolean' }],
  ...REQUEST_OPTIONS.map((o) => [normalizeColumn(o.name), o] as const),
]);

export const CSV_COLUMNS: readonly string[] = [...COLUMNS.keys()];

/** `Target-Seconds`, `targetSeconds` and `target_seconds` all name the same column. */
export function normalizeColumn(name: string): string {
  return name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/**
 * One VideoRequest per data row of a CSV with a header row. Empty cells are left out, so the batch's
 * defaults (and then the API's) apply to them.
 */
export function csvToVideoRequests(text: string): Array<Record<string, unknown>> {
  const records = parseCsv(text);
  if (records.length === 0) throw new BatchFileError('the CSV file is empty: it needs a header row and one row per video');
  const [header, ...rows] = records;
  const columns = header!.fields.map((name) => {
    const column = COLUMNS.get(normalizeColumn(name));
    if (!column) {
      throw new BatchFileError(`unknown CSV column "${name}"; known columns: ${CSV_COLUMNS.join(', ')}`);
    }
    return { name: name.trim(), ...column };
  });
  if (rows.length === 0) throw new BatchFileError('the CSV file has a header row but no videos');

  return rows.map(({ line, fields }) => {
    if (fields.length > columns.length) {
      throw new BatchFileError(`line ${line}: ${fields.length} fields but the header has ${columns.length} columns`);
    }
    const request: Record<string, unknown> = {};
    fields.forEach((cell, i) => {
      const column = columns[i]!;
      if (cell.trim() === '') return;
      setPath(request, column.path, cellValue(cell, column, line));
    });
    return request;
  });
}

function cellValue(cell: string, column: Column & { name: string }, line: number): unknown {
  if (column.type === 'string') return cell;
  if (column.type === 'boolean') {
    const v = cell.trim().toLowerCase();
    if (['true', 'yes', '1', 'on'].includes(v)) return true;
    if (['false', 'no', '0', 'off'].includes(v)) return false;
    throw new BatchFileError(`line ${line}, column ${column.name}: expected true or false, got "${cell}"`);
  }
  const n = Number(cell.trim());
  if (!Number.isFinite(n) || (column.type === 'integer' && !Number.isInteger(n))) {
    throw new BatchFileError(`line ${line}, column ${column.name}: expected a ${column.type === 'integer' ? 'whole ' : ''}number, got "${cell}"`);
  }
  return n;
}
