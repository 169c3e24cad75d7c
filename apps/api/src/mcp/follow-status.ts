import { isTerminalStatus } from '@vidflow/contracts';
import { StatusWatchHub, type StatusWatch } from '../status-refresh/status-watch-hub';
import { EVENTS_POLL_MS } from '../videos/video-events';

export interface FollowOptions<S> {
  /** Where the statuses come from: a shared watcher (videos), else `read` polled every EVENTS_POLL_MS. */
  watch?: StatusWatch<S>;
  read: () => Promise<S>;
  /** The status that was already read (the first answer), so that a finished run costs no second read. */
  first: S;
  timeoutMs: number;
  /** The MCP request's end (client cancelled, connection closed): the wait stops at once. */
  signal: AbortSignal;
  onStatus: (status: S) => void;
}

export interface Followed<S> {
  status: S;
  /** False when the wait ended (timeout, cancelled request) before a terminal status. */
  ended: boolean;
}

/**
 * Follows one run until its status is terminal, at most `timeoutMs`: each status on the way goes to `onStatus`.
 * It uses the same status plumbing as the event streams (StatusWatchHub), so an MCP wait on a video shares the
 * watcher of every SSE stream of that video. A failed read (Temporal briefly away) is not the end: the watcher
 * tries again on its next poll, as the event streams do.
 */
export function followStatus<S extends { status: string }>(options: FollowOptions<S>): Promise<Followed<S>> {
  const { first, signal, onStatus } = options;
  onStatus(first);
  if (isTerminalStatus(first.status) || signal.aborted) return Promise.resolve({ status: first, ended: isTerminalStatus(first.status) });
  const polled = options.watch ? undefined : new StatusWatchHub<S>({ read: () => options.read(), pollMs: EVENTS_POLL_MS });
  const watch = options.watch ?? polled!.watch('followed');
  return new Promise((resolve) => {
    let last = first;
    let done = false;
    const finish = (ended: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      unsubscribe();
      polled?.stop();
      resolve({ status: last, ended });
    };
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(false), options.timeoutMs);
    signal.addEventListener('abort', onAbort);
    // finish() runs only later (the watcher, the timer and the abort event are all asynchronous), after this is set.
    const unsubscribe = watch({
      status: (s) => {
        last = s;
        onStatus(s);
        if (isTerminalStatus(s.status)) finish(true);
      },
      error: () => undefined,
    });
  });
}
