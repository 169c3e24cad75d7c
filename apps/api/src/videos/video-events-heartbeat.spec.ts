import { initialStages, type VideoStatusView } from '@vidflow/contracts';
import express from 'express';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StatusWatchHub } from '../status-refresh/status-watch-hub';
import { streamVideoEvents } from './video-events';

/** Heartbeats on idle streams: a running video whose status never changes, streams sharing one hub. */
describe('video event stream heartbeats', () => {
  let server: Server;
  let port: number;
  let reads = 0;
  const idle: VideoStatusView = {
    id: 'vid-idle', status: 'running', stage: 'render', progress: 0.5, stages: initialStages(), cacheHit: false, createdAt: 'x', updatedAt: 'x',
  };
  const hub = new StatusWatchHub<VideoStatusView>({ read: async () => (reads++, idle), pollMs: 2 });
  beforeAll(async () => {
    const app = express().get('/events', (req, res) => {
      void streamVideoEvents(req, res, async () => idle, undefined, { watch: hub.watch('vid-idle'), heartbeatMs: 10 });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    hub.stop();
    await new Promise((r) => server.close(r));
  });

  /** Reads one stream until it has carried `comments` keep-alive comments, then drops it. */
  const readUntilComments = (comments: number) =>
    new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/events' }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk;
          if ((body.match(/^: keep-alive$/gm) ?? []).length >= comments) {
            req.destroy();
            resolve(body);
          }
        });
      });
      req.on('error', reject);
      req.end();
    });

  it('sends the status once, then only keep-alive comments while nothing changes', async () => {
    const bodies = await Promise.all([readUntilComments(3), readUntilComments(3), readUntilComments(3)]);
    for (const body of bodies) {
      expect(body.startsWith('retry: 3000\n\n')).toBe(true);
      expect(body.match(/^data: /gm)).toHaveLength(1);
      expect(JSON.parse(/^data: (.*)$/m.exec(body)![1]!)).toEqual(idle);
      expect(body.match(/^: keep-alive$/gm)!.length).toBeGreaterThanOrEqual(3);
    }
    // The three streams shared the hub's watcher: it kept reading while they were open.
    expect(reads).toBeGreaterThan(0);
  });
});
