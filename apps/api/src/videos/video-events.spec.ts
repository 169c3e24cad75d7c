import { initialStages, type VideoStatusView } from '@vidflow/contracts';
import { EventSource } from 'eventsource';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { statusVersion, streamVideoEvents } from './video-events';

/** A run's statuses in order, as the service would read them one poll after another. */
function runStatuses(id: string): VideoStatusView[] {
  const at = (p: Partial<VideoStatusView>, stages = initialStages()): VideoStatusView => ({
    id, status: 'running', stage: 'script', progress: 0, stages, cacheHit: false, createdAt: 'x', updatedAt: 'x', ...p,
  });
  const s1 = initialStages();
  const s2 = initialStages();
  s2.script.status = 'completed';
  s2.tts = { status: 'running', done: 1, total: 2, cacheHits: 0 };
  const s3 = structuredClone(s2);
  s3.tts = { status: 'completed', done: 2, total: 2, cacheHits: 0 };
  s3.render = { status: 'running', progress: 0.5, attempt: 1, cacheHit: false };
  const s4 = structuredClone(s3);
  s4.render = { status: 'completed', progress: 1, attempt: 1, cacheHit: false };
  return [
    at({ status: 'queued' }, s1),
    at({ stage: 'tts', progress: 0.17 }, s2),
    at({ stage: 'render', progress: 0.65 }, s3),
    at({ status: 'completed', stage: 'done', progress: 1 }, s4),
  ];
}

describe('video event stream with a standard EventSource client', () => {
  let server: Server;
  let base: string;
  /** Each connection reads the statuses from `step` on; a poll moves one step. */
  let step = 0;
  let dropAfter: number | undefined;
  const statuses = runStatuses('vid-1');
  beforeAll(async () => {
    const app = express().get('/events', (req, res) => {
      let reads = 0;
      void streamVideoEvents(req, res, async () => {
        if (dropAfter !== undefined && reads++ === dropAfter) {
          dropAfter = undefined;
          req.socket.destroy(); // the connection drops mid-run
        }
        return statuses[Math.min(step++, statuses.length - 1)]!;
      }, 5);
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  /** Collects message ids and data until `end` (or the client gives up), with the requests it made. */
  function follow(): Promise<{ ids: string[]; statuses: string[]; ended: boolean; connections: number; lastEventIds: Array<string | null> }> {
    const lastEventIds: Array<string | null> = [];
    const fetchCounting: typeof fetch = (url, init) => {
      lastEventIds.push(new Headers(init?.headers).get('last-event-id'));
      return fetch(url, init);
    };
    const es = new EventSource(`${base}/events`, { fetch: fetchCounting });
    const ids: string[] = [];
    const seen: string[] = [];
    return new Promise((resolve) => {
      const finish = (ended: boolean) => {
        es.close();
        resolve({ ids, statuses: seen, ended, connections: lastEventIds.length, lastEventIds });
      };
      es.onmessage = (e) => {
        ids.push(e.lastEventId);
        seen.push((JSON.parse(e.data) as VideoStatusView).status);
      };
      es.addEventListener('end', () => finish(true));
      es.onerror = () => {
        if (es.readyState === EventSource.CLOSED) finish(false);
      };
    });
  }

  it('sends every status once with growing ids, then end', async () => {
    step = 0;
    const got = await follow();
    expect(got.ended).toBe(true);
    expect(got.statuses).toEqual(['queued', 'running', 'running', 'completed']);
    const ids = got.ids.map(Number);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(statuses.map(statusVersion));
  });

  it('resumes after a dropped connection with Last-Event-ID, repeating nothing', async () => {
    step = 0;
    dropAfter = 2;
    const got = await follow();
    expect(got.ended).toBe(true);
    expect(got.connections).toBe(2);
    expect(got.lastEventIds[1]).toBe(got.ids[1]);
    expect(new Set(got.ids).size).toBe(got.ids.length);
    expect(got.statuses.at(-1)).toBe('completed');
  });

  it('answers a reconnect to a finished video with 204, so the client stops', async () => {
    step = statuses.length;
    const res = await fetch(`${base}/events`, { headers: { 'Last-Event-ID': String(statusVersion(statuses.at(-1)!)) } });
    expect(res.status).toBe(204);
    // Without Last-Event-ID a finished video's stream sends its status once and ends.
    const body = await (await fetch(`${base}/events`)).text();
    expect(body).toMatch(/^retry: \d+\n\nid: \d+\ndata: \{.*"completed".*\}\n\nevent: end\n/);
  });
});
