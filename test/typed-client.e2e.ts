import { createVidflowClient, type ApiSchemas, type VidflowClient } from '@vidflow/api-client';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ffprobe } from './support/ffprobe';
import { startTestStack, type TestStack } from './support/test-stack';

/**
 * The client generated from the OpenAPI document (libs/api-client, the one the CLI uses) against the real
 * stack over a real socket: what a third party generating a client from /docs-json gets. The compile-time
 * half runs in `npm run lint`, which type-checks this file against the generated types.
 */
describe('the typed client generated from /docs-json', () => {
  let stack: TestStack;
  let api: VidflowClient;

  beforeAll(async () => {
    stack = await startTestStack();
    // Port 0: the OS picks a free ephemeral port, so parallel runs never collide.
    await stack.app.listen(0, '127.0.0.1');
    const { port } = stack.app.getHttpServer().address() as AddressInfo;
    api = createVidflowClient({ baseUrl: `http://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function waitUntilFinished(id: string): Promise<ApiSchemas['VideoStatus']> {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const { data, error } = await api.GET('/api/videos/{id}', { params: { path: { id } } });
      if (error) throw new Error(`GET /api/videos/${id}: ${error.error.message}`);
      if (['completed', 'failed', 'cancelled'].includes(data.status)) return data;
      if (Date.now() > deadline) throw new Error(`video ${id} still ${data.status}: ${JSON.stringify(data)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  it('submits a video, follows it to completed, reads its status and downloads a playable MP4', async () => {
    const key = `typed-${randomUUID()}`;
    const created = await api.POST('/api/videos', {
      body: { script: 'Bees dance to tell each other where the flowers are.', render: { height: 640, aspect: '16:9' } },
      params: { header: { 'Idempotency-Key': key } },
    });
    expect(created.response.status).toBe(202);
    expect(created.data).toMatchObject({ id: expect.stringMatching(/^vid-/), status: 'queued' });
    const id = created.data!.id;
    expect(created.response.headers.get('location')).toBe(created.data!.links.self);

    // The same key and body: the same video, not a second one.
    const again = await api.POST('/api/videos', {
      body: { script: 'Bees dance to tell each other where the flowers are.', render: { height: 640, aspect: '16:9' } },
      params: { header: { 'Idempotency-Key': key } },
    });
    expect(again.data?.id).toBe(id);

    const status = await waitUntilFinished(id);
    expect(status).toMatchObject({ id, status: 'completed', stage: 'done', progress: 1 });
    expect(status.stages.tts.status).toBe('completed');
    expect(status.result).toMatchObject({ height: 640, file: `/api/videos/${id}/file` });
    expect(status.result!.width).toBeGreaterThan(status.result!.height);

    const file = await api.GET('/api/videos/{id}/file', { params: { path: { id } }, parseAs: 'arrayBuffer' });
    expect(file.response.status).toBe(200);
    expect(file.response.headers.get('content-type')).toBe('video/mp4');
    const bytes = Buffer.from(file.data as unknown as ArrayBuffer);
    expect(bytes.length).toBe(status.result!.bytes);
    const path = join(mkdtempSync(join(process.env.VIDFLOW_TEST_ROOT!, 'typed-')), `${id}.mp4`);
    writeFileSync(path, bytes);
    const probed = ffprobe(path);
    expect(probed.video).toEqual({ codec: 'h264', width: status.result!.width, height: 640 });
    expect(probed.audio).toEqual({ codec: 'aac' });
    expect(Math.abs(probed.duration - status.result!.durationSeconds)).toBeLessThan(0.5);

    // A range, then one past the end (416 with the size), as the document declares them.
    const head = await api.GET('/api/videos/{id}/file', { params: { path: { id }, header: { Range: 'bytes=0-99' } }, parseAs: 'arrayBuffer' });
    expect(head.response.status).toBe(206);
    expect(head.response.headers.get('content-range')).toBe(`bytes 0-99/${bytes.length}`);
    expect(Buffer.from(head.data as unknown as ArrayBuffer)).toEqual(bytes.subarray(0, 100));
    const past = await api.GET('/api/videos/{id}/file', { params: { path: { id }, header: { Range: `bytes=${bytes.length}-` } } });
    expect(past.response.status).toBe(416);
    expect(past.response.headers.get('content-range')).toBe(`bytes */${bytes.length}`);

    // The list knows it, and a typed query parameter filters it.
    const list = await api.GET('/api/videos', { params: { query: { status: 'completed', limit: 500 } } });
    expect(list.data?.items.map((v) => v.id)).toContain(id);
  });

  it('gets the error envelope, typed, naming the field: 400 for a bad value, 422 for what this server lacks', async () => {
    const bad = await api.POST('/api/videos', { body: { script: 'Hello.', render: { fps: 1000 } } });
    expect(bad.response.status).toBe(400);
    expect(bad.data).toBeUndefined();
    expect(bad.error?.error.code).toBe('VALIDATION_FAILED');
    expect(bad.error?.error.details?.map((d) => d.field)).toEqual(['render.fps']);

    // No OpenAI key configured in the test stack: well-formed, but this server cannot do it.
    const unsupported = await api.POST('/api/videos', { body: { topic: 'owls', llm: { provider: 'openai' } } });
    expect(unsupported.response.status).toBe(422);
    expect(unsupported.error?.error.details?.map((d) => d.field)).toEqual(['llm.provider']);

    const missing = await api.GET('/api/videos/{id}', { params: { path: { id: 'vid-does-not-exist' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.error.code).toBe('NOT_FOUND');
  });
});

/**
 * Compile-time checks, never called: `npm run lint` type-checks this file, and each call compiles only
 * because the generated types refuse it (an unused @ts-expect-error is itself an error).
 */
function refusedByTheTypes(api: VidflowClient): void {
  // @ts-expect-error: `colour` is not a field of VideoRequest (a typed literal: openapi-fetch's inferred body skips excess-property checks)
  const body: ApiSchemas['VideoRequest'] = { topic: 'owls', colour: 'red' };
  void api.POST('/api/videos', { body });
  // @ts-expect-error: a status filter is one of the run statuses
  void api.GET('/api/videos', { params: { query: { status: 'done' } } });
  // @ts-expect-error: the path parameter is required
  void api.GET('/api/videos/{id}', {});
  // @ts-expect-error: a batch needs its items
  void api.POST('/api/batches', { body: { maxConcurrent: 2 } });
}
void refusedByTheTypes;
