import type { Request } from 'express';
import { markRoute, routeLabel, routePattern, UNMATCHED_ROUTE } from './route-label';

const req = (route: unknown, baseUrl = '') => ({ route, baseUrl }) as Pick<Request, 'route' | 'baseUrl'>;

describe('routePattern', () => {
  it('is the route pattern, not the URL that matched it', () => {
    expect(routePattern(req({ path: '/api/videos/:id' }))).toBe('/api/videos/:id');
    expect(routePattern(req({ path: '/health/ready' }))).toBe('/health/ready');
  });

  it('prefixes the mount path of a sub-router', () => {
    expect(routePattern(req({ path: '/:id/file' }, '/api/videos'))).toBe('/api/videos/:id/file');
    expect(routePattern(req({ path: '' }, ''))).toBe('/');
  });

  it('is undefined without a route, or when the pattern is not a string', () => {
    expect(routePattern(req(undefined))).toBeUndefined();
    expect(routePattern(req({ path: /^\/api\/.*$/ }))).toBeUndefined();
    expect(routePattern(req({ path: ['/a', '/b'] }))).toBeUndefined();
  });
});

describe('routeLabel', () => {
  it('is the pattern of the route handler that served the request', () => {
    const r = req({ path: '/api/batches/:id' });
    markRoute(r);
    // Later layers (Nest's not-found handler, middleware routes) may change req.route; the label stays.
    (r as { route: unknown }).route = { path: '/{*path}' };
    expect(routeLabel(r)).toBe('/api/batches/:id');
  });

  it('is "unmatched" when no route handler took the request, even if a middleware route set req.route', () => {
    expect(routeLabel(req({ path: '/{*path}' }))).toBe(UNMATCHED_ROUTE);
    expect(routeLabel(req(undefined))).toBe(UNMATCHED_ROUTE);
  });
});
