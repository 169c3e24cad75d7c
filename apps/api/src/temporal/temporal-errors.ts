import { status as GrpcStatus } from '@grpc/grpc-js';
import { isGrpcServiceError } from '@temporalio/client';

/**
 * True when the Temporal frontend could not be reached (down, restarting, network). The API answers
 * 503 then and keeps running; the lazy connection reconnects by itself once Temporal is back.
 */
export function isTemporalUnavailable(err: unknown): boolean {
  const cause = (err as { cause?: unknown })?.cause ?? err;
  for (const e of [err, cause]) {
    if (isGrpcServiceError(e) && [GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED].includes(e.code)) return true;
    if (e instanceof Error && /ServiceError|TransportError/.test(e.name) && /UNAVAILABLE|connect|unreachable|DEADLINE/i.test(e.message)) return true;
  }
  return false;
}
