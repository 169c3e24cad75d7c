import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { TemporalGateway } from './temporal-gateway';

const STREAMING = 'vidflow:streaming';
/**
 * Marks a handler that stays open (server-sent events): it bounds each of its own Temporal calls with
 * `TemporalGateway.withDeadline` instead of one deadline for the whole request.
 */
export const Streaming = () => SetMetadata(STREAMING, true);

/** Bounds every Temporal call a request makes by TEMPORAL_RPC_DEADLINE_MS (see there). */
@Injectable()
export class TemporalDeadlineInterceptor implements NestInterceptor {
  constructor(
    private readonly temporal: TemporalGateway,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (this.reflector.get<boolean>(STREAMING, context.getHandler())) return next.handle();
    // withDeadline puts the deadline in async-local storage, which every gRPC call made while the
    // handler runs reads; the handler must therefore run (be subscribed to) inside the callback.
    return from(this.temporal.withDeadline(() => lastValueFrom(next.handle(), { defaultValue: undefined })));
  }
}
