import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig, type VidflowConfig } from '@vidflow/config';
import { BatchRequestSchema, TranscriptionRequestSchema } from '@vidflow/contracts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createAppWithTemporal, fakeTemporal } from '../../../../test/support/fake-temporal';

/** callbackUrl of batch and transcription requests: the rules of videos' (callback-url-policy.spec.ts), over HTTP. */
describe('callbackUrl on batch and transcription requests', () => {
  let dataDir: string;
  let app: NestExpressApplication | undefined;
  let temporal: ReturnType<typeof fakeTemporal>;
  const http = () => request(app!.getHttpServer());
  const start = async (env: Record<string, string> = {}): Promise<VidflowConfig> => {
    const config = loadConfig({ DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:1', ...env });
    app = await createAppWithTemporal(config, temporal.client);
    return config;
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'vidflow-callback-'));
    temporal = fakeTemporal();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the schemas take an http(s) callbackUrl and refuse other schemes, credentials and relative URLs, naming the field', () => {
    const batch = (callbackUrl: string) => BatchRequestSchema.safeParse({ items: [{ script: 'One scene.' }], callbackUrl });
    const transcription = (callbackUrl: string) => TranscriptionRequestSchema.safeParse({ source: { upload: 'abc' }, callbackUrl });
    expect(batch('https://hooks.example.com/vidflow?token=abc').success).toBe(true);
    expect(transcription('https://hooks.example.com/vidflow?token=abc').success).toBe(true);
    for (const bad of ['ftp://example.com/hook', 'https://user:pw@example.com/hook', '/hooks/local', '']) {
      for (const result of [batch(bad), transcription(bad)]) {
        expect(result.success).toBe(false);
        expect(new Set(result.error!.issues.map((i) => i.path.join('.')))).toEqual(new Set(['callbackUrl']));
      }
    }
  });

  it('POST /api/batches: a malformed callbackUrl is a 400 naming callbackUrl, a literal private address a 422', async () => {
    await start();
    const items = [{ script: 'One scene.' }];
    const bad = await http().post('/api/batches').send({ items, callbackUrl: 'ftp://example.com/hook' }).expect(400);
    expect(bad.body.error.details).toEqual([{ field: 'callbackUrl', message: 'only http and https URLs are accepted' }]);
    const refused = await http().post('/api/batches').send({ items, callbackUrl: 'http://10.1.2.3/hook' }).expect(422);
    expect(refused.body.error.details).toEqual([{ field: 'callbackUrl', message: expect.stringMatching(/^10\.1\.2\.3 is .*WEBHOOK_ALLOW_PRIVATE_URLS=true/) }]);
    // A schedule's batch is the same request.
    const scheduled = await http().post('/api/schedules').send({ id: 'nightly', cron: '0 3 * * *', batch: { items, callbackUrl: 'not a url' } }).expect(400);
    expect(scheduled.body.error.details).toEqual([expect.objectContaining({ field: 'batch.callbackUrl' })]);
  });

  it('POST /api/transcriptions: a malformed callbackUrl is a 400 naming callbackUrl; its address is judged by WEBHOOK_ALLOW_PRIVATE_URLS, not the media rule', async () => {
    await start({ MEDIA_ALLOW_PRIVATE_URLS: 'true' });
    const source = { url: 'https://media.example.com/talk.mp4' };
    const bad = await http().post('/api/transcriptions').send({ source, callbackUrl: 'ftp://example.com/hook' }).expect(400);
    expect(bad.body.error.details).toEqual([{ field: 'callbackUrl', message: 'only http and https URLs are accepted' }]);
    const refused = await http().post('/api/transcriptions').send({ source, callbackUrl: 'http://192.168.1.20/hook' }).expect(422);
    expect(refused.body.error.details).toEqual([{ field: 'callbackUrl', message: expect.stringContaining('WEBHOOK_ALLOW_PRIVATE_URLS=true') }]);
    expect(temporal.runs.size).toBe(0);
  });

  it('POST /api/transcriptions with WEBHOOK_ALLOW_PRIVATE_URLS=true takes a private callbackUrl and passes WEBHOOK_RETRY_HOURS to the run', async () => {
    await start({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_RETRY_HOURS: '2' });
    const res = await http()
      .post('/api/transcriptions')
      .send({ source: { url: 'https://media.example.com/talk.mp4' }, callbackUrl: 'http://192.168.1.20/hook' })
      .expect(202);
    expect(temporal.runs.get(res.body.id)!.input).toMatchObject({ request: { callbackUrl: 'http://192.168.1.20/hook' }, webhookRetryHours: 2 });
  });

  it('GET /api/transcriptions/:id shows the webhook the run started (pending until its delivery workflow answers)', async () => {
    await start({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
    const res = await http().post('/api/transcriptions').send({ source: { url: 'https://media.example.com/talk.mp4' }, callbackUrl: 'http://192.168.1.20/hook' }).expect(202);
    const run = temporal.runs.get(res.body.id)!;
    run.status = 'COMPLETED';
    run.progress = { stage: 'done', progress: 1, chunks: { done: 1, total: 1, cacheHits: 0 }, webhook: { status: 'pending', attempts: 0 } };
    const status = await http().get(`/api/transcriptions/${res.body.id}`).expect(200);
    expect(status.body).toMatchObject({ status: 'completed', webhook: { status: 'pending', attempts: 0 } });
  });
});
