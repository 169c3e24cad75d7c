import type { NextFunction, Request, Response } from 'express';
import { routeLabel } from '../metrics/route-label';
import { requestIdOf } from '../common/request-id.middleware';

/** What a slow request is logged with: enough to find the route, never the URL's ids or query (they may carry secrets). */
export interface SlowRequest {
  msg: 'slow request';
  method: string;
  /** The route pattern (`/api/videos/:id`), or `unmatched`. */
  route: string;
  status: number;
  durationMs: number;
  thresholdMs: number;
  requestId?: string;
}

export interface SlowRequestOptions {
  /** SLOW_REQUEST_MS; 0 turns the log off. */
  thresholdMs: number;
  log: (entry: SlowRequest) => void;
  /** Milliseconds from a monotonic clock (injectable for tests). */
  now?: () => number;
}

/**
 * Logs every request slower than SLOW_REQUEST_MS with its route, once its answer is done ('finish'), or when
 * the client went away first ('close'). Event streams are left out: an open stream is meant to last. Installed
 * first, like the metrics, so that time spent in authentication, rate limits and body parsing counts too.
 */
export function slowRequestMiddleware(options: SlowRequestOptions) {
  const now = options.now ?? (() => performance.now());
  return (req: Request, res: Response, next: NextFunction) => {
    if (options.thresholdMs <= 0) return next();
    const started = now();
    let done = false;
    const check = () => {
      if (done) return;
      done = true;
      const durationMs = Math.round(now() - started);
      if (durationMs <= options.thresholdMs) return;
      if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) return;
      options.log({
        msg: 'slow request',
        method: req.method,
        route: routeLabel(req),
        status: res.statusCode,
        durationMs,
        thresholdMs: options.thresholdMs,
        ...(requestIdOf(req) ? { requestId: requestIdOf(req) } : {}),
      });
    };
    res.once('finish', check);
    res.once('close', check);
    next();
  };
}
