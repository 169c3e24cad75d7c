import type { Request, Response } from 'express';
import { isTerminalStatus, type VideoStatusView } from '@vidflow/contracts';

/** How often the server looks for a change (one status read per open stream per interval). */
export const EVENTS_POLL_MS = 1000;
/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

/**
 * `GET /api/videos/:id/events`: server-sent events, one `status` event each time the status object
 * changes, until a terminal status (sent, then the stream ends). The first event is sent at once.
 */
export async function streamVideoEvents(
  req: Request,
  res: Response,
  readStatus: () => Promise<VideoStatusView>,
  pollMs = EVENTS_POLL_MS,
): Promise<void> {
  // The first read happens before any header is sent, so an unknown id is still a plain 404.
  let status = await readStatus();
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();

  let closed = false;
  req.on('close', () => (closed = true));
  let last = '';
  let lastWrite = Date.now();
  let eventId = 0;
  for (;;) {
    const json = JSON.stringify(status);
    if (json !== last) {
      res.write(`id: ${++eventId}\nevent: status\ndata: ${json}\n\n`);
      last = json;
      lastWrite = Date.now();
    } else if (Date.now() - lastWrite >= KEEPALIVE_MS) {
      res.write(': keep-alive\n\n');
      lastWrite = Date.now();
    }
    if (isTerminalStatus(status.status) || closed) break;
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
