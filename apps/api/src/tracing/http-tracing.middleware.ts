import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { routeLabel, UNMATCHED_ROUTE } from '../metrics/route-label';

/**
 * The server span of every HTTP request, installed first (create-app.ts) and only while tracing is on. The span
 * continues the caller's trace when the request carries a W3C `traceparent`, else it starts a new one; what the
 * request does (the Temporal client's StartWorkflow span, the request id) runs in its context. Named
 * `<METHOD> <route pattern>` once a handler took the request, `<METHOD>` otherwise (a 401 before routing).
 */
export function httpTracingMiddleware() {
  const tracer = trace.getTracer('@vidflow/api');
  return (req: Request, res: Response, next: NextFunction): void => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      req.method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path, 'url.scheme': req.protocol } },
      parent,
    );
    const active = trace.setSpan(parent, span);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = routeLabel(req);
      if (route !== UNMATCHED_ROUTE) {
        span.updateName(`${req.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      // 'close' before 'finish': the client went away before the answer was complete.
      if (!res.writableFinished) span.setAttribute('vidflow.http.aborted', true);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    // The request's stream events (the body parser's 'data' and 'end') run in the span's context too.
    context.bind(active, req);
    context.bind(active, res);
    context.with(active, next);
  };
}
