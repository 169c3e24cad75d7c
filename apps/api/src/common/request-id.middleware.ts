import { randomUUID } from 'node:crypto';
import { currentTraceId } from '@vidflow/tracing';
import type { NextFunction, Request, Response } from 'express';

const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Every response carries X-Request-Id, which the logs and error bodies show too: the request's trace id while it
 * is traced (so a log line leads to its trace), else the client's own when it sent a sane one, else a fresh UUID.
 */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const given = req.header('x-request-id');
  const id = currentTraceId() ?? (given && VALID_ID.test(given) ? given : randomUUID());
  (req as Request & { id: string }).id = id;
  res.setHeader('X-Request-Id', id);
  next();
}

export function requestIdOf(req: Request): string | undefined {
  return (req as Request & { id?: string }).id;
}
