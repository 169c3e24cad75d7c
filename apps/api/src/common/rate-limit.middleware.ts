import type { NextFunction, Request, Response } from 'express';
import { clientIdOf, isKeyedPath } from './api-key.middleware';
import { errorBody } from './error-body';
import { requestIdOf } from './request-id.middleware';

/** Clients remembered at once; the least recently seen are forgotten first (a forgotten client starts full). */
const MAX_CLIENTS = 100_000;

interface Bucket {
  tokens: number;
  updated: number;
}

/**
 * A token bucket per API key (or per address when keys are off) on /api routes and /mcp: `perSecond` tokens a
 * second, up to `burst`. Over the limit: 429 with Retry-After, the seconds until a token is back.
 * Per API process: with N replicas behind a load balancer a client gets up to N times the rate.
 */
export function rateLimitMiddleware(options: { perSecond: number; burst: number; now?: () => number }) {
  const buckets = new Map<string, Bucket>();
  const now = options.now ?? (() => Date.now());
  return (req: Request, res: Response, next: NextFunction) => {
    if (options.perSecond <= 0 || !isKeyedPath(req.path)) return next();
    const id = clientIdOf(req);
    const t = now();
    let bucket = buckets.get(id);
    if (bucket) {
      buckets.delete(id); // re-insert below: Map order is the LRU order
      bucket.tokens = Math.min(options.burst, bucket.tokens + ((t - bucket.updated) / 1000) * options.perSecond);
      bucket.updated = t;
    } else {
      bucket = { tokens: options.burst, updated: t };
      if (buckets.size >= MAX_CLIENTS) buckets.delete(buckets.keys().next().value!);
    }
    buckets.set(id, bucket);
    if (bucket.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / options.perSecond));
      res.setHeader('Retry-After', String(retryAfter));
      res.status(429).json(errorBody('RATE_LIMITED', `too many requests; retry in ${retryAfter}s`, requestIdOf(req)));
      return;
    }
    bucket.tokens -= 1;
    next();
  };
}
