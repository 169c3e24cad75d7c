import type { FieldIssue } from '@vidflow/contracts';

/**
 * Domain errors the API raises. Each knows its HTTP status and contract error code; the global
 * exception filter is the one place that turns them into responses.
 */
export abstract class ApiError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  details?: unknown[];
  headers?: Record<string, string>;
}

export class ValidationFailedError extends ApiError {
  readonly status = 400;
  readonly code = 'VALIDATION_FAILED';
  constructor(message: string, override readonly details: FieldIssue[]) {
    super(message);
  }
}

export class NotFoundError extends ApiError {
  readonly status = 404;
  readonly code = 'NOT_FOUND';
}

export class ConflictError extends ApiError {
  readonly status = 409;
  readonly code = 'CONFLICT';
}

export class UnprocessableError extends ApiError {
  readonly status = 422;
  readonly code = 'UNPROCESSABLE';
  constructor(message: string, override readonly details?: FieldIssue[]) {
    super(message);
  }
}

export class TemporalUnavailableError extends ApiError {
  readonly status = 503;
  readonly code = 'TEMPORAL_UNAVAILABLE';
  override headers = { 'Retry-After': '5' };
}

export class PayloadTooLargeError extends ApiError {
  readonly status = 413;
  readonly code = 'PAYLOAD_TOO_LARGE';
  constructor(message: string, override readonly details?: FieldIssue[]) {
    super(message);
  }
}

export class UnsupportedMediaError extends ApiError {
  readonly status = 415;
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
  constructor(message: string, override readonly details?: FieldIssue[]) {
    super(message);
  }
}
