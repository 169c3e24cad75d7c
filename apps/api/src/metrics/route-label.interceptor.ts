import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { markRoute } from './route-label';

/** Remembers which route handler served a request, for the `route` label of the HTTP metrics. */
@Injectable()
export class RouteLabelInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') markRoute(context.switchToHttp().getRequest<Request>());
    return next.handle();
  }
}
