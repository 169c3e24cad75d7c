import type { Request, Response } from 'express';
import { isTerminalStatus, type VideoStatusView } from '@vidflow/contracts';

/** How often the server looks for a change (one status read per open stream per interval). */
export const EVENTS_POLL_MS = 1000;
/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;
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
): Promise<void> {
  return streamStatusEvents(req, res, { read: readStatus, version: statusVersion, pollMs });
}

/**
 * The event stream of any run's status object (videos, transcriptions): `version` must grow with every step of
 * the run and never go back within it, as statusVersion does for videos.
 */
export async function streamStatusEvents<S extends { id: string; status: string }>(
  req: Request,
  res: Response,
  options: { read: () => Promise<S>; version: (status: S) => number; pollMs?: number },
): Promise<void> {
  const { read: readStatus, version: statusVersion, pollMs = EVENTS_POLL_MS } = options;
  // The first read happens before any header is sent, so an unknown id is still a plain 404.
  let status = await readStatus();
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

  let closed = false;
  req.on('close', () => (closed = true));
  let last = '';
  let lastWrite = Date.now();
  for (;;) {
    const json = JSON.stringify(status);
    const terminal = isTerminalStatus(status.status);
    // What the client saw before reconnecting is not sent again; a terminal status always is.
    if (json !== last && (statusVersion(status) > seen || terminal)) {
      res.write(`id: ${statusVersion(status)}\ndata: ${json}\n\n`);
      last = json;
      lastWrite = Date.now();
    } else if (Date.now() - lastWrite >= KEEPALIVE_MS) {
      res.write(': keep-alive\n\n');
      lastWrite = Date.now();
    }
    if (terminal) {
      res.write(`event: end\ndata: ${JSON.stringify({ id: status.id, status: status.status })}\n\n`);
      break;
    }
    if (closed) break;
    await new Promise((r) => setTimeout(r, pollMs));
    if (closed) break;
    try {
      status = await readStatus();
    } catch (err) {
      // Temporal briefly unreachable: tell the client and keep the stream open; it recovers by itself.
      res.write(`event: error\ndata: ${JSON.stringify({ message: (err as Error).message })}\n\n`);
    }
  }
  res.end();
}
