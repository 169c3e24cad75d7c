/**
 * Cache-Control per route (RFC 9111). Statuses and lists are per API key, so nothing is `public`.
 * Nothing is `immutable`: an operator may reset any run in Temporal, and then an id's status (and file)
 * follow the new run; a completed status is kept an hour and revalidated with its ETag after that.
 */
export const CACHE_POLICY = {
  /** Errors, writes, health: never stored. */
  none: 'no-store',
  /** Changes at any moment (running statuses, lists, batches, schedules): stored, but revalidated (ETag -> 304) each time. */
  revalidate: 'no-cache',
  /** A completed video's (or transcription's) status and file. */
  finished: 'private, max-age=3600',
  /** Failed or cancelled: a batch retry may re-run the item under the same id. */
  ended: 'private, no-cache',
} as const;

/** The policy of a successful GET's JSON body; `route` is the Nest route path (`/api/videos/:id`). */
export function cachePolicyFor(route: string, body: unknown): string {
  if (route.startsWith('/health')) return CACHE_POLICY.none;
  if (route === '/api/videos/:id' || route === '/api/transcriptions/:id') {
    const status = (body as { status?: string } | undefined)?.status;
    if (status === 'completed') return CACHE_POLICY.finished;
    if (status === 'failed' || status === 'cancelled') return CACHE_POLICY.ended;
  }
  return CACHE_POLICY.revalidate;
}
