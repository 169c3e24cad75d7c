import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { TEMPORAL_CLIENT } from '../tokens';

/**
 * Bounds every Temporal call a request makes. Without it, the client's built-in retries keep a
 * request waiting for a minute while Temporal is down; with it, the call fails with DEADLINE_EXCEEDED
 * and the client gets a 503 with Retry-After in a few seconds.
 */
export const TEMPORAL_RPC_DEADLINE_MS = 4000;

@Injectable()
export class TemporalDeadlineInterceptor implements NestInterceptor {
  constructor(@Inject(TEMPORAL_CLIENT) private readonly client: Client) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    // withDeadline puts the deadline in async-local storage, which every gRPC call made while the
    // handler runs reads; the handler must therefore run (be subscribed to) inside the callback.
    return from(this.client.withDeadline(Date.now() + TEMPORAL_RPC_DEADLINE_MS, () => lastValueFrom(next.handle(), { defaultValue: undefined })));
  }
}
