import { BatchFileError, csvToVideoRequests } from './csv-to-video-requests';
import { CsvError } from './parse-csv';

/** The body of `POST /api/batches`. */
export interface BatchRequestBody {
  items: Array<Record<string, unknown>>;
  defaults?: Record<string, unknown>;
  maxConcurrent?: number;
  stopOnError?: boolean;
}

/**
 * A batch file's content as a request body. JSON: an array of VideoRequests, or a whole BatchRequest
 * (`{ items, defaults, maxConcurrent, stopOnError }`). CSV (by the `.csv` extension): see csvToVideoRequests.
 */
export function parseBatchFile(options: { path: string; text: string }): BatchRequestBody {
  if (/\.csv$/i.test(options.path)) {
    try {
      return { items: csvToVideoRequests(options.text) };
    } catch (e) {
      if (e instanceof CsvError || e instanceof BatchFileError) throw new BatchFileError(`${options.path}: ${e.message}`);
      throw e;
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(options.text);
  } catch (e) {
    throw new BatchFileError(`${options.path} is not valid JSON (${(e as Error).message}); CSV files need the .csv extension`);
  }
  if (Array.isArray(data)) return { items: data as Array<Record<string, unknown>> };
  if (typeof data === 'object' && data !== null && Array.isArray((data as { items?: unknown }).items)) {
    // Passed through as written: unknown keys and bad values get the API's field-naming 400.
    return data as BatchRequestBody;
  }
  throw new BatchFileError(`${options.path} must hold an array of video requests or { "items": [...], "defaults": {...} }`);
}

/** The file's settings with the command line's `--max-concurrent` / `--stop-on-error` on top. */
export function applyBatchFlags(body: BatchRequestBody, flags: { maxConcurrent?: number; stopOnError?: boolean }): BatchRequestBody {
  return {
    ...body,
    ...(flags.maxConcurrent !== undefined ? { maxConcurrent: flags.maxConcurrent } : {}),
    ...(flags.stopOnError ? { stopOnError: true } : {}),
  };
}
