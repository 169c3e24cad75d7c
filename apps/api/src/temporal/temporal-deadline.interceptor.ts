import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Client } from '@temporalio/client';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { TEMPORAL_CLIENT } from '../tokens';

/**
 * Bounds every Temporal call a request makes. Without it, the client's built-in retries keep a
 * request waiting for a minute while Temporal is down; with it, the call fails with DEADLINE_EXCEEDED
 * and the client gets a 503 with Retry-After in a few seconds.
 */
export const TEMPORAL_RPC_DEADLINE_MS = 4000;

const STREAMING = 'vidflow:streaming';
/**
 * Marks a handler that stays open (server-sent events): it bounds each of its own Temporal calls with
 * `withTemporalDeadline` instead of one deadline for the whole request.
 */
export const Streaming = () => SetMetadata(STREAMING, true);

/** Runs `fn` with every Temporal call inside it bounded by TEMPORAL_RPC_DEADLINE_MS from now. */
export function withTemporalDeadline<T>(client: Client, fn: () => Promise<T>): Promise<T> {
  return client.withDeadline(Date.now() + TEMPORAL_RPC_DEADLINE_MS, fn);
}

@Injectable()
export class TemporalDeadlineInterceptor implements NestInterceptor {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (this.reflector.get<boolean>(STREAMING, context.getHandler())) return next.handle();
    // withDeadline puts the deadline in async-local storage, which every gRPC call made while the
    // handler runs reads; the handler must therefore run (be subscribed to) inside the callback.
    return from(withTemporalDeadline(this.client, () => lastValueFrom(next.handle(), { defaultValue: undefined })));
  }
}
