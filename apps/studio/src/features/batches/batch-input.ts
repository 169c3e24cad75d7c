import type { ApiSchemas } from '@vidflow/api-client';
// The CLI's batch file formats, parsed by the CLI's own (pure) parser, so a file that `vidflow batch` takes is
// taken here the same way: CSV with the create flags as columns, or JSON (an array or a whole BatchRequest).
import { parseBatchFile } from '../../../../cli/src/parse-batch-file';

export type BatchRequest = ApiSchemas['BatchRequest'];

/** A problem with what the user typed, naming the form field it is in. */
export class InputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface BatchInput {
  /** The pasted or uploaded file's text. */
  text: string;
  /** `csv` or `json`; `auto` looks at the file name, then at the first character. */
  format: 'auto' | 'csv' | 'json';
  fileName?: string;
  /** JSON object merged under every item (empty: none). */
  defaults: string;
  /** Empty: the API's default. */
  maxConcurrent: string;
  stopOnError: boolean;
}

export function detectFormat(input: Pick<BatchInput, 'text' | 'format' | 'fileName'>): 'csv' | 'json' {
  if (input.format !== 'auto') return input.format;
  if (input.fileName && /\.csv$/i.test(input.fileName)) return 'csv';
  if (input.fileName && /\.json$/i.test(input.fileName)) return 'json';
  return /^\s*[[{]/.test(input.text) ? 'json' : 'csv';
}

/** The form's fields as a BatchRequest; the form's own settings override the file's (as the CLI's flags do). */
export function toBatchRequest(input: BatchInput): BatchRequest {
  if (!input.text.trim()) throw new InputError('items', 'paste or upload a CSV or JSON batch file');
  const format = detectFormat(input);
  let body: BatchRequest;
  try {
    body = parseBatchFile({ path: format === 'csv' ? 'batch.csv' : 'batch.json', text: input.text }) as BatchRequest;
  } catch (e) {
    throw new InputError('items', (e as Error).message.replace(/^batch\.(csv|json)(: )?/, format === 'csv' ? 'CSV: ' : 'JSON: '));
  }
  if (input.defaults.trim()) {
    let defaults: unknown;
    try {
      defaults = JSON.parse(input.defaults);
    } catch (e) {
      throw new InputError('defaults', `defaults is not valid JSON (${(e as Error).message})`);
    }
    if (typeof defaults !== 'object' || defaults === null || Array.isArray(defaults)) {
      throw new InputError('defaults', 'defaults must be a JSON object, e.g. {"language": "de"}');
    }
    body = { ...body, defaults: { ...body.defaults, ...(defaults as Record<string, unknown>) } };
  }
  if (input.maxConcurrent.trim()) {
    const n = Number(input.maxConcurrent);
    if (!Number.isInteger(n) || n < 1) throw new InputError('maxConcurrent', 'maxConcurrent must be a whole number of at least 1');
    body = { ...body, maxConcurrent: n };
  }
  if (input.stopOnError) body = { ...body, stopOnError: true };
  return body;
}
