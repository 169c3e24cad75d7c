import express, { type NextFunction, type Request, type Response } from 'express';
import { errorBody } from './error-body';
import { requestIdOf } from './request-id.middleware';

/** Scripts may be 20,000 characters and 100 scenes of 5,000; 1 MiB leaves room for JSON and defaults. */
export const BODY_LIMIT = '1mb';
/** Batches and schedules carry up to 10,000 items; so may an MCP message (the create_batch tool). */
export const BATCH_BODY_LIMIT = '16mb';
const BATCH_ROUTES = /^\/(api\/(batches|schedules)|mcp)(\/|$)/;

/**
 * JSON body parsing with contract-shaped errors. body-parser fails in Express middleware, before Nest's
 * exception filters run, so its errors (malformed JSON, too large, wrong charset) are answered here.
 */
export function jsonBodyParser() {
  const small = express.json({ limit: BODY_LIMIT });
  const large = express.json({ limit: BATCH_BODY_LIMIT });
  return [
    (req: Request, res: Response, next: NextFunction) => (BATCH_ROUTES.test(req.path) ? large : small)(req, res, next),
    (err: Error & { type?: string; status?: number }, req: Request, res: Response, next: NextFunction) => {
      // body-parser's errors carry a status (4xx) and usually a type; a body that fails to inflate
      // (Content-Encoding: gzip with a plain body) has only the status.
      if (!err?.type && !(err?.status && err.status < 500)) return next(err);
      const requestId = requestIdOf(req);
      if (err.type === 'entity.too.large') {
        const limit = BATCH_ROUTES.test(req.path) ? BATCH_BODY_LIMIT : BODY_LIMIT;
        return void res.status(413).json(errorBody('PAYLOAD_TOO_LARGE', `request body is larger than ${limit}`, requestId));
      }
      if (err.type === 'entity.parse.failed') {
        return void res.status(400).json(errorBody('VALIDATION_FAILED', `body is not valid JSON: ${err.message}`, requestId));
      }
      const status = err.status && err.status < 500 ? err.status : 400;
      res.status(status).json(errorBody(status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST', err.message, requestId));
    },
  ];
}
