import { status as GrpcStatus } from '@grpc/grpc-js';
import { isGrpcServiceError } from '@temporalio/client';
import { TemporalUnavailableError } from '../common/api-errors';

// How Temporal's errors map to the API's: by error class or gRPC status code, never by message text.

/** The gRPC error in an error's cause chain (the client wraps them in ServiceError and similar). */
export function grpcErrorOf(err: unknown): { code: number; details: string; message: string } | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e)) return e as { code: number; details: string; message: string };
  }
  return undefined;
}

/**
 * True when the Temporal frontend could not be reached (down, restarting, network) or did not answer within
 * the request's deadline. The API answers 503 then and keeps running; the lazy connection reconnects by
 * itself once Temporal is back.
 */
export function isTemporalUnavailable(err: unknown): boolean {
  if (err instanceof TemporalUnavailableError) return true;
  const code = grpcErrorOf(err)?.code;
  return code === GrpcStatus.UNAVAILABLE || code === GrpcStatus.DEADLINE_EXCEEDED;
}

/** True when the gRPC status says the workflow or schedule does not exist. */
export function isGrpcNotFound(err: unknown): boolean {
  return grpcErrorOf(err)?.code === GrpcStatus.NOT_FOUND;
}

/** True when Temporal refused an argument (a schedule spec it cannot parse). */
export function isGrpcInvalidArgument(err: unknown): boolean {
  return grpcErrorOf(err)?.code === GrpcStatus.INVALID_ARGUMENT;
}

/** Temporal being unreachable becomes the API's 503; everything else passes through unchanged. */
export function toApiError(err: unknown): unknown {
  if (isTemporalUnavailable(err) && !(err instanceof TemporalUnavailableError)) {
    return new TemporalUnavailableError('the workflow service (Temporal) is unreachable; try again shortly');
  }
  return err;
}
