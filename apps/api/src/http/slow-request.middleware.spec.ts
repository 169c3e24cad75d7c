import express, { type Request, type Response } from 'express';
import request from 'supertest';
import { requestIdMiddleware } from '../common/request-id.middleware';
import { markRoute } from '../metrics/route-label';
import { slowRequestMiddleware, type SlowRequest } from './slow-request.middleware';

/** An app whose handlers "take" as long as they say, on a clock the test moves. */
function appWith(thresholdMs: number) {
  let clock = 0;
  const logged: SlowRequest[] = [];
  const takes = (ms: number) => (req: Request, res: Response, send: (res: Response) => void) => {
    markRoute(req);
    clock += ms;
    send(res);
  };
  const app = express()
    .use(requestIdMiddleware)
    .use(slowRequestMiddleware({ thresholdMs, log: (e) => logged.push(e), now: () => clock }))
    .get('/api/things/:id', (req, res) => takes(Number(req.query.ms))(req, res, (r) => r.status(200).json({ ok: true })))
    .get('/api/things/:id/events', (req, res) =>
      takes(Number(req.query.ms))(req, res, (r) => {
        r.setHeader('Content-Type', 'text/event-stream');
        r.end('data: {}\n\n');
      }),
    )
    .use((_req: Request, res: Response) => {
      clock += 5000;
      res.status(404).json({ error: 'no such route' });
    });
  return { app, logged };
}

describe('slowRequestMiddleware (SLOW_REQUEST_MS)', () => {
  it('logs a request slower than the threshold with its route pattern, status, duration and request id', async () => {
    const { app, logged } = appWith(1000);
    await request(app).get('/api/things/abc-123?ms=1500').set('X-Request-Id', 'req-1').expect(200);
    expect(logged).toEqual([
      { msg: 'slow request', method: 'GET', route: '/api/things/:id', status: 200, durationMs: 1500, thresholdMs: 1000, requestId: 'req-1' },
    ]);
  });

  it('does not log a request at or under the threshold', async () => {
    const { app, logged } = appWith(1000);
    await request(app).get('/api/things/abc?ms=1000').expect(200);
    await request(app).get('/api/things/abc?ms=3').expect(200);
    expect(logged).toEqual([]);
  });

  it('names requests no route took "unmatched", never their URL', async () => {
    const { app, logged } = appWith(1000);
    await request(app).get('/nowhere/secret-token').expect(404);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ route: 'unmatched', status: 404, durationMs: 5000 });
    expect(JSON.stringify(logged)).not.toContain('secret-token');
  });

  it('leaves event streams out: they are meant to stay open', async () => {
    const { app, logged } = appWith(1000);
    await request(app).get('/api/things/abc/events?ms=60000').expect(200);
    expect(logged).toEqual([]);
  });

  it('logs nothing when the threshold is 0 (off)', async () => {
    const { app, logged } = appWith(0);
    await request(app).get('/api/things/abc?ms=99999').expect(200);
    expect(logged).toEqual([]);
  });
});
