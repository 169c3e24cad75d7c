import type { Request } from 'express';

/** The label of requests that no route handler took: unknown paths, and answers given before routing (401, 413, 429). */
export const UNMATCHED_ROUTE = 'unmatched';

const ROUTE = Symbol('vidflow.route');
type RoutedRequest = Pick<Request, 'route' | 'baseUrl'> & { [ROUTE]?: string };

/**
 * The pattern of the Express route being served (`/api/videos/:id`), or undefined. Never the raw URL:
 * ids, query strings and scanners' random paths would each make a new time series and grow
 * Prometheus' memory without bound.
 */
export function routePattern(req: Pick<Request, 'route' | 'baseUrl'>): string | undefined {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` || '/' : undefined;
}

/**
 * Called from inside a route handler (RouteLabelInterceptor), when `req.route` is that handler's route.
 * Reading `req.route` only when the response is done would not do: Nest registers its middleware
 * (request logging) as an Express `all('/{*path}')` route, which leaves `req.route` set on requests
 * that no handler took, and those must stay "unmatched".
 */
export function markRoute(req: RoutedRequest): void {
  req[ROUTE] = routePattern(req);
}

/** The `route` label of a finished request. */
export function routeLabel(req: RoutedRequest): string {
  return req[ROUTE] ?? UNMATCHED_ROUTE;
}
