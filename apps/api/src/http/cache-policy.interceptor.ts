import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { map, type Observable } from 'rxjs';
import { CACHE_POLICY, cachePolicyFor } from './cache-policy';

/**
 * Sets Cache-Control from what a GET handler answered (a status' policy depends on the status). Routes
 * that write their own (the file, the event stream, /metrics) keep it; everything else, errors included,
 * has the `no-store` that cacheDefaultMiddleware set before routing.
 */
@Injectable()
export class CachePolicyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    return next.handle().pipe(
      map((body: unknown) => {
        const route = (req.route as { path?: string } | undefined)?.path ?? req.path;
        if ((req.method === 'GET' || req.method === 'HEAD') && !res.headersSent && res.getHeader('Cache-Control') === CACHE_POLICY.none) {
          res.setHeader('Cache-Control', cachePolicyFor(route, body));
        }
        return body;
      }),
    );
  }
}

/** Before routing: `no-store` unless a route says otherwise (so errors, 401 and 429 are never stored). */
export function cacheDefaultMiddleware(req: Request, res: Response, next: () => void): void {
  res.setHeader('Cache-Control', req.path === '/docs-json' ? CACHE_POLICY.revalidate : CACHE_POLICY.none);
  next();
}
