import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { currentTraceId } from '@vidflow/tracing';
import express from 'express';
import request from 'supertest';
import { jsonBodyParser } from '../common/body-parser';
import { requestIdMiddleware } from '../common/request-id.middleware';
import { markRoute } from '../metrics/route-label';
import { httpTracingMiddleware } from './http-tracing.middleware';

const exported = new InMemorySpanExporter();
beforeAll(() => new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exported)] }).register());
afterEach(() => exported.reset());
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

/** The API's first middlewares in create-app.ts's order, and a handler that reports the trace it runs in. */
const app = express()
  .use(httpTracingMiddleware())
  .use(requestIdMiddleware)
  .use(...jsonBodyParser())
  .post('/api/things/:id', (req, res) => {
    markRoute(req);
    // After the body parser's stream events: the request's context must have followed them.
    res.status(201).json({ traceId: currentTraceId(), got: req.body });
  })
  .get('/api/boom', (req, res) => {
    markRoute(req);
    res.status(503).json({});
  });

describe('httpTracingMiddleware', () => {
  it("continues the caller's W3C trace; the request id and the handler's trace are that trace", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await request(app)
      .post('/api/things/42?secret=no')
      .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`)
      .set('x-request-id', 'client-chosen')
      .send({ a: 1 })
      .expect(201);
    expect(res.body).toEqual({ traceId, got: { a: 1 } });
    expect(res.headers['x-request-id']).toBe(traceId);
    const [span, ...more] = exported.getFinishedSpans();
    expect(more).toEqual([]);
    expect(span!.spanContext().traceId).toBe(traceId);
    expect(span!.parentSpanId).toBe('00f067aa0ba902b7');
    expect(span!.kind).toBe(SpanKind.SERVER);
    expect(span!.name).toBe('POST /api/things/:id');
    expect(span!.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/api/things/:id', 'url.path': '/api/things/42', 'http.response.status_code': 201 });
    expect(JSON.stringify(span!.attributes)).not.toContain('secret');
  });

  it('starts a new trace without a traceparent, names unrouted requests by their method, marks 5xx as errors', async () => {
    const res = await request(app).get('/api/boom').expect(503);
    const unrouted = await request(app).get('/nowhere').expect(404);
    const [boom, nowhere] = exported.getFinishedSpans();
    expect(boom!.parentSpanId).toBeUndefined();
    expect(res.headers['x-request-id']).toBe(boom!.spanContext().traceId);
    expect(boom!.status.code).toBe(2);
    expect(nowhere!.name).toBe('GET');
    expect(unrouted.headers['x-request-id']).toBe(nowhere!.spanContext().traceId);
    expect(nowhere!.spanContext().traceId).not.toBe(boom!.spanContext().traceId);
  });
});
