import type { NextFunction, Request, Response } from 'express';
import type { ApiMetrics } from './api-metrics';
import { routeLabel } from './route-label';

/** Scrapes are not traffic: counting them would only show the scrape interval. */
const NOT_COUNTED = new Set(['/metrics']);

/**
 * Counts and times every request. Installed first, so it also sees the answers given by the middleware
 * that runs before routing (auth, rate limit, body size). Labels are taken when the response is done,
 * by then the route handler, if any took the request, has marked its route (RouteLabelInterceptor).
 */
export function httpMetricsMiddleware(metrics: ApiMetrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (NOT_COUNTED.has(req.path)) return next();
    const started = process.hrtime.bigint();
    let recorded = false;
    const record = () => {
      // 'finish' for a completed response, 'close' alone when the client went away first (SSE, aborted downloads).
      if (recorded) return;
      recorded = true;
      const labels = { method: req.method, route: routeLabel(req), status: String(res.statusCode) };
      metrics.requests.inc(labels);
      metrics.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    };
    res.once('finish', record);
    res.once('close', record);
    next();
  };
}
