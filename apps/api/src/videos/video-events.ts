import type { Request, Response } from 'express';
import { isTerminalStatus, type VideoStatusView } from '@vidflow/contracts';
import { StatusWatchHub, type StatusWatch } from '../status-refresh/status-watch-hub';

/** How often the server looks for a change (one status read per open stream per interval). */
export const EVENTS_POLL_MS = 1000;
/** A comment line this often keeps proxies from closing an idle stream. */
export const KEEPALIVE_MS = 15_000;
/** The `retry:` advice: how long an EventSource waits before reconnecting after a dropped connection. */
export const RECONNECT_MS = 3000;

const STAGE_ORDER = { script: 0, tts: 1, render: 2, done: 3 } as const;

/**
 * The status version: a number that grows with every step a run takes and never goes back within a
 * run, built from fields that only grow (stages done, scenes spoken, render attempts and progress,
 * then the run's end). It is the event id, so an EventSource that reconnects with `Last-Event-ID`
 * gets only what is newer than what it saw. (After an operator resets a run in Temporal, the new
 * run's versions start low again; the stream then sends the status once its version passes the old.)
 */
export function statusVersion(s: VideoStatusView): number {
  const st = s.stages;
  const done = (x: { status: string }) => (x.status === 'completed' ? 1 : 0);
  const phase = s.status === 'queued' ? 0 : isTerminalStatus(s.status) ? 2 : 1;
  let v = STAGE_ORDER[s.stage] ?? 0;
  v = v * 2 + done(st.script);
  v = v * 101 + Math.min(100, st.tts.done);
  v = v * 2 + done(st.tts);
  v = v * 100 + Math.min(99, st.render.attempt);
  v = v * 1001 + Math.round(Math.min(1, Math.max(0, st.render.progress)) * 1000);
  v = v * 2 + done(st.render);
  return v * 3 + phase;
}

/**
 * `GET /api/videos/:id/events` as the HTML standard's EventSource expects: unnamed events (`message`)
 * whose data is the status object, each time it changes, with the status version as the id; a
 * `retry:` line; after the terminal status an `event: end`, and the stream closes. A reconnect whose
 * Last-Event-ID already covers a finished video's last status gets 204, which tells an EventSource to
 * stop reconnecting.
 */
export async function streamVideoEvents(
  req: Request,
  res: Response,
  readStatus: () => Promise<VideoStatusView>,
  pollMs = EVENTS_POLL_MS,
  options: { watch?: StatusWatch<VideoStatusView>; heartbeatMs?: number } = {},
): Promise<void> {
  return streamStatusEvents(req, res, { read: readStatus, version: statusVersion, pollMs, ...options });
}

export interface StatusStreamOptions<S> {
  /** One read before the headers (an unknown id is still a plain 404). */
  read: () => Promise<S>;
  version: (status: S) => number;
  /**
   * Where later statuses come from: a StatusWatchHub's watcher shared with every other stream of the run. Without
   * one the stream polls `read` every `pollMs` on its own.
   */
  watch?: StatusWatch<S>;
  pollMs?: number;
  /** A comment line after this long without a write keeps proxies from closing an idle stream. */
  heartbeatMs?: number;
}

/**
 * The event stream of any run's status object (videos, transcriptions): `version` must grow with every step of
 * the run and never go back within it, as statusVersion does for videos.
 */
export async function streamStatusEvents<S extends { id: string; status: string }>(
  req: Request,
  res: Response,
  options: StatusStreamOptions<S>,
): Promise<void> {
  const { read: readStatus, version: statusVersion, pollMs = EVENTS_POLL_MS, heartbeatMs = KEEPALIVE_MS } = options;
  const status = await readStatus();
  const lastEventId = Number(req.header('last-event-id'));
  const seen = Number.isFinite(lastEventId) ? lastEventId : -1;
  if (isTerminalStatus(status.status) && statusVersion(status) <= seen) {
    res.setHeader('Cache-Control', 'no-store');
    return void res.status(204).end();
  }
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.write(`retry: ${RECONNECT_MS}\n\n`);

  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  req.on('close', () => finish());
  let heartbeat: NodeJS.Timeout | undefined;
  const write = (text: string) => {
    res.write(text);
    clearTimeout(heartbeat);
    heartbeat = setTimeout(() => write(': keep-alive\n\n'), heartbeatMs);
  };
  let last = '';
  let ended = false;
  const send = (s: S) => {
    if (ended) return;
    const json = JSON.stringify(s);
    const terminal = isTerminalStatus(s.status);
    // What the client saw before reconnecting is not sent again; a terminal status always is.
    if (json !== last && (statusVersion(s) > seen || terminal)) {
      write(`id: ${statusVersion(s)}\ndata: ${json}\n\n`);
      last = json;
    }
    if (terminal) {
      write(`event: end\ndata: ${JSON.stringify({ id: s.id, status: s.status })}\n\n`);
      ended = true;
      finish();
    }
  };
  write('');
  send(status);
  let unsubscribe = () => {};
  if (!ended) {
    const watch = options.watch ?? new StatusWatchHub<S>({ read: () => readStatus(), pollMs }).watch(status.id);
    unsubscribe = watch({
      status: send,
      // Temporal briefly unreachable: tell the client and keep the stream open; it recovers by itself.
      error: (err) => write(`event: error\ndata: ${JSON.stringify({ message: err.message })}\n\n`),
    });
  }
  await finished;
  unsubscribe();
  clearTimeout(heartbeat);
  res.end();
}
