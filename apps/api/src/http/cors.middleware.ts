import type { NextFunction, Request, Response } from 'express';

const READ_METHODS = ['GET', 'HEAD'];
const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'];
/** Request headers a browser client may send (Authorization is never covered by a `*`, so it is named). */
const ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'Idempotency-Key',
  'X-Request-Id',
  'Range',
  'If-Range',
  'If-None-Match',
  'Last-Event-ID',
  // tus resumable uploads (/api/uploads)
  'Tus-Resumable',
  'Upload-Length',
  'Upload-Metadata',
  'Upload-Offset',
  'Upload-Checksum',
  'X-HTTP-Method-Override',
].join(', ');
/** Response headers script may read beyond the CORS-safelisted ones. */
export const EXPOSED_HEADERS = [
  'Location',
  'X-Request-Id',
  'Retry-After',
  'Content-Range',
  'Accept-Ranges',
  'ETag',
  // tus resumable uploads (/api/uploads)
  'Tus-Resumable',
  'Tus-Version',
  'Tus-Extension',
  'Tus-Max-Size',
  'Tus-Checksum-Algorithm',
  'Upload-Offset',
  'Upload-Length',
  'Upload-Metadata',
  'Upload-Expires',
].join(', ');
/** Browsers cache a preflight this long (Chromium caps it at 2 hours). */
const PREFLIGHT_MAX_AGE = 600;

/**
 * CORS per the Fetch standard, for origins listed in CORS_ORIGINS (default none: browsers on other origins
 * can neither read nor submit). `*` lets any origin read (GET/HEAD) without credentials; writes from
 * another origin need it listed by name. Credentials (cookies) are never allowed: the API authenticates
 * with a bearer key the client sends itself. Preflights are answered here, before authentication and
 * rate limiting, since a browser sends them without the Authorization header.
 */
export function corsMiddleware(origins: readonly string[]) {
  const named = new Set(origins.filter((o) => o !== '*'));
  const anyReads = origins.includes('*');
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.header('origin');
    const preflight = req.method === 'OPTIONS' && req.header('access-control-request-method') !== undefined;
    if (origins.length) res.vary('Origin');
    const allowed = origin === undefined ? undefined : named.has(origin) ? ALL_METHODS : anyReads ? READ_METHODS : undefined;
    if (!preflight) {
      if (allowed && allowed.includes(req.method)) {
        res.setHeader('Access-Control-Allow-Origin', named.has(origin!) ? origin! : '*');
        res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
      }
      return next();
    }
    // A preflight from an origin that may not make the request gets no CORS headers: the browser refuses it.
    const method = req.header('access-control-request-method')!.toUpperCase();
    if (allowed && allowed.includes(method)) {
      res.setHeader('Access-Control-Allow-Origin', named.has(origin!) ? origin! : '*');
      res.setHeader('Access-Control-Allow-Methods', allowed.join(', '));
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE));
    }
    res.setHeader('Content-Length', '0');
    res.status(204).end();
  };
}
