import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { errorBody } from './error-body';
import { requestIdOf } from './request-id.middleware';

/** Who is calling: the API key's fingerprint when keys are on, else the client address. */
export function clientIdOf(req: Request): string {
  return (req as Request & { clientId?: string }).clientId ?? `ip:${req.ip}`;
}

/** Idempotency keys are per API key (two clients may pick the same key); open APIs share one space. */
export function idempotencyScope(req: Request): string {
  const id = (req as Request & { clientId?: string }).clientId;
  return id?.startsWith('key:') ? id : '';
}

/** The routes behind the API key and the rate limit: /api, and the MCP endpoint (which calls the same services). */
export function isKeyedPath(path: string): boolean {
  return path.startsWith('/api') || /^\/mcp(\/|$)/.test(path);
}

/**
 * With API_KEYS set, every /api route (and /mcp) needs `Authorization: Bearer <key>` (health, metrics and docs stay
 * open). Keys are compared as SHA-256 digests with timingSafeEqual: equal lengths, constant time, so
 * response timing reveals nothing about how much of a key was right.
 */
export function apiKeyMiddleware(keys: readonly string[]) {
  const digests = keys.map((k) => sha256(k));
  return (req: Request, res: Response, next: NextFunction) => {
    if (digests.length === 0 || !isKeyedPath(req.path)) return next();
    const header = req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const given = match ? sha256(match[1]!) : undefined;
    // Compare against every key, whatever happens, so the number of keys tried is not observable either.
    let ok = false;
    for (const d of digests) if (given && timingSafeEqual(given, d)) ok = true;
    if (!ok) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="vidflow"');
      res.status(401).json(errorBody('UNAUTHORIZED', match ? 'invalid API key' : 'missing API key: send Authorization: Bearer <key>', requestIdOf(req)));
      return;
    }
    (req as Request & { clientId?: string }).clientId = `key:${given!.toString('hex').slice(0, 16)}`;
    next();
  };
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
