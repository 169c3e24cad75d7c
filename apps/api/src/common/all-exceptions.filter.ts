import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isTemporalUnavailable } from '../temporal/temporal-errors';
import { ApiError } from './api-errors';
import { errorBody } from './error-body';
import { requestIdOf } from './request-id.middleware';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
};

/** The one mapping from errors to HTTP responses. Anything unexpected is logged and becomes a 500. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const requestId = requestIdOf(req);
    if (res.headersSent) return void res.end();

    if (exception instanceof ApiError) {
      for (const [k, v] of Object.entries(exception.headers ?? {})) res.setHeader(k, v);
      res.status(exception.status).json(errorBody(exception.code, exception.message, requestId, exception.details));
      return;
    }
    if (isTemporalUnavailable(exception)) {
      res.setHeader('Retry-After', '5');
      res
        .status(503)
        .json(errorBody('TEMPORAL_UNAVAILABLE', 'the workflow service (Temporal) is unreachable; try again shortly', requestId));
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (isHealthReport(response)) {
        // Terminus' 503 body says which check failed; load balancers and people both need it.
        res.status(status).json(response);
        return;
      }
      const message =
        typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? exception.message);
      res.status(status).json(errorBody(CODE_BY_STATUS[status] ?? 'HTTP_ERROR', message, requestId));
      return;
    }
    this.logger.error(`unhandled error on ${req.method} ${req.originalUrl} [${requestId}]`, (exception as Error)?.stack);
    res.status(500).json(errorBody('INTERNAL', 'internal error', requestId));
  }
}

function isHealthReport(response: unknown): boolean {
  return typeof response === 'object' && response !== null && 'status' in response && 'details' in response;
}
