import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApplicationFailure } from '@temporalio/common';
import { loadConfig, type VidflowConfig } from '@vidflow/config';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createAppWithTemporal, fakeTemporal } from '../../../../test/support/fake-temporal';

describe('/api/transcriptions', () => {
  let dataDir: string;
  let config: VidflowConfig;
  let app: NestExpressApplication;
  let temporal: ReturnType<typeof fakeTemporal>;
  const http = () => request(app.getHttpServer());

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vidflow-transcriptions-'));
    config = loadConfig({ DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    temporal = fakeTemporal();
    app = await createAppWithTemporal(config, temporal.client);
  });
  afterEach(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A finished upload made through the tus routes. */
  async function finishedUpload(bytes = Buffer.from('not really a video')): Promise<string> {
    const tus = { 'Tus-Resumable': '1.0.0' };
    const created = await http()
      .post('/api/uploads')
      .set({ ...tus, 'Upload-Length': String(bytes.length), 'Content-Type': 'application/offset+octet-stream' })
      .send(bytes)
      .expect(201);
    return (created.headers.location as string).split('/').pop()!;
  }

  it('starts the transcription workflow for a finished upload, with the file under DATA_DIR and the defaults filled in', async () => {
    const upload = await finishedUpload();
    const res = await http().post('/api/transcriptions').send({ source: { upload } }).expect(202);
    expect(res.body).toEqual({ id: expect.stringMatching(/^trn-/), status: 'queued', links: { self: `/api/transcriptions/${res.body.id}`, events: `/api/transcriptions/${res.body.id}/events` } });
    expect(res.headers.location).toBe(res.body.links.self);
    const run = temporal.runs.get(res.body.id)!;
    expect(run.taskQueue).toBe(config.taskQueues.io);
    expect(run.input).toMatchObject({
      transcriptionId: res.body.id,
      media: { path: `uploads/${upload}` },
      sttTaskQueue: config.taskQueues.stt,
      renderTaskQueue: config.taskQueues.render,
      chunkParallelism: config.stt.parallelism,
      request: { language: 'en', provider: { name: 'offline' }, maxChunkSeconds: 30, formats: ['srt', 'vtt', 'json', 'txt'], burnIn: { enabled: false } },
    });
  });

  it('refuses an upload that does not exist or is not finished with 422 naming source.upload', async () => {
    const missing = await http().post('/api/transcriptions').send({ source: { upload: 'upl-00000000000000000000000000000000' } }).expect(422);
    expect(missing.body.error.details).toEqual([{ field: 'source.upload', message: expect.stringContaining('no upload') }]);
    const unfinished = await http().post('/api/uploads').set({ 'Tus-Resumable': '1.0.0', 'Upload-Length': '100' }).expect(201);
    const id = (unfinished.headers.location as string).split('/').pop()!;
    const res = await http().post('/api/transcriptions').send({ source: { upload: id } }).expect(422);
    expect(res.body.error.message).toMatch(/^source\.upload: .*not complete \(0 of 100 bytes\)/);
    expect(temporal.runs.size).toBe(0);
  });

  it('refuses what the offline provider cannot do, and an unconfigured openai provider, naming the fields', async () => {
    const upload = await finishedUpload();
    const german = await http().post('/api/transcriptions').send({ source: { upload }, language: 'de' }).expect(422);
    expect(german.body.error.details).toEqual([{ field: 'language', message: expect.stringContaining('English only') }]);
    const openai = await http().post('/api/transcriptions').send({ source: { upload }, provider: { name: 'openai' } }).expect(422);
    expect(openai.body.error.details).toEqual([{ field: 'provider.name', message: expect.stringContaining('not configured') }]);
    expect(temporal.runs.size).toBe(0);
  });

  it('answers 400 naming each malformed field', async () => {
    const res = await http().post('/api/transcriptions').send({ source: { upload: '../etc' }, maxChunkSeconds: 1, formats: ['srt', 'srt'] }).expect(400);
    const fields = (res.body.error.details as Array<{ field: string }>).map((d) => d.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['formats', 'maxChunkSeconds']));
    expect(fields.some((f) => f.startsWith('source'))).toBe(true);
  });

  it('takes an http(s) URL by the media URL rules (literal private addresses refused) and a completed video', async () => {
    const refused = await http().post('/api/transcriptions').send({ source: { url: 'http://10.0.0.7/talk.mp4' } }).expect(422);
    expect(refused.body.error.details[0].field).toBe('source.url');
    const byUrl = await http().post('/api/transcriptions').send({ source: { url: 'https://media.example/talk.mp4' } }).expect(202);
    expect(temporal.runs.get(byUrl.body.id)!.input.media).toEqual({ url: 'https://media.example/talk.mp4' });

    const unknownVideo = await http().post('/api/transcriptions').send({ source: { video: 'vid-nope' } }).expect(422);
    expect(unknownVideo.body.error.details).toEqual([{ field: 'source.video', message: expect.stringContaining('no video with id vid-nope') }]);
    const media = await http().post('/api/transcriptions').send({ source: { media: 'med-00000000000000000000000000000000' } }).expect(422);
    expect(media.body.error.details).toEqual([{ field: 'source.media', message: 'no media-library item med-00000000000000000000000000000000' }]);
  });

  it('with an Idempotency-Key: the same body names the same transcription, another body is a 409', async () => {
    const upload = await finishedUpload();
    const body = { source: { upload }, formats: ['srt'] };
    const first = await http().post('/api/transcriptions').set('Idempotency-Key', 'k-1').send(body).expect(202);
    const again = await http().post('/api/transcriptions').set('Idempotency-Key', 'k-1').send(body).expect(202);
    expect(again.body.id).toBe(first.body.id);
    expect(temporal.runs.size).toBe(1);
    await http().post('/api/transcriptions').set('Idempotency-Key', 'k-1').send({ ...body, formats: ['vtt'] }).expect(409);
  });

  it('shows the live progress from the query, then the result with file URLs, and serves the files', async () => {
    const upload = await finishedUpload();
    const { body: created } = await http().post('/api/transcriptions').send({ source: { upload }, formats: ['srt', 'json'] }).expect(202);
    const id = created.id as string;
    const run = temporal.runs.get(id)!;

    const queued = await http().get(`/api/transcriptions/${id}`).expect(200);
    expect(queued.body).toMatchObject({ id, status: 'queued', stage: 'probe', progress: 0, chunks: { done: 0, total: 0, cacheHits: 0 } });

    run.startedActivity = true;
    run.progress = { stage: 'transcribe', progress: 0.5, chunks: { done: 3, total: 8, cacheHits: 1 }, durationSeconds: 240 };
    const running = await http().get(`/api/transcriptions/${id}`).expect(200);
    expect(running.body).toMatchObject({ status: 'running', stage: 'transcribe', progress: 0.5, chunks: { done: 3, total: 8, cacheHits: 1 } });
    expect(running.headers['cache-control']).toBe('no-cache');
    await http().get(`/api/transcriptions/${id}/subtitles.srt`).expect(409);

    const dir = join(dataDir, 'transcriptions', id);
    mkdirSync(dir, { recursive: true });
    const srt = '1\n00:00:00,000 --> 00:00:01,500\nhello world\n\n';
    writeFileSync(join(dir, 'subtitles.srt'), srt);
    writeFileSync(join(dir, 'subtitles.json'), '{"segments":[]}');
    run.status = 'COMPLETED';
    run.progress = {
      stage: 'done',
      progress: 1,
      chunks: { done: 8, total: 8, cacheHits: 1 },
      result: {
        language: 'en',
        durationSeconds: 240,
        engine: 'pocketsphinx 5prealpha',
        files: { srt: `transcriptions/${id}/subtitles.srt`, json: `transcriptions/${id}/subtitles.json` },
      },
    };
    const done = await http().get(`/api/transcriptions/${id}`).expect(200);
    expect(done.body).toEqual({
      id,
      status: 'completed',
      stage: 'done',
      progress: 1,
      chunks: { done: 8, total: 8, cacheHits: 1 },
      result: {
        language: 'en',
        durationSeconds: 240,
        engine: 'pocketsphinx 5prealpha',
        files: { srt: `/api/transcriptions/${id}/subtitles.srt`, json: `/api/transcriptions/${id}/subtitles.json` },
      },
      createdAt: '2026-12-02T01:00:00.000Z',
      updatedAt: '2026-12-02T01:05:00.000Z',
    });
    expect(done.headers['cache-control']).toBe('private, max-age=3600');

    const file = await http().get(`/api/transcriptions/${id}/subtitles.srt`).expect(200);
    expect(file.headers['content-type']).toBe('application/x-subrip; charset=utf-8');
    expect(file.headers['content-disposition']).toBe(`attachment; filename="${id}.srt"`);
    expect(file.text).toBe(srt);
    const part = await http().get(`/api/transcriptions/${id}/subtitles.srt`).set('Range', 'bytes=0-0').expect(206);
    expect(part.headers['content-range']).toBe(`bytes 0-0/${Buffer.byteLength(srt)}`);
    const json = await http().get(`/api/transcriptions/${id}/subtitles.json`).expect(200);
    expect(json.body).toEqual({ segments: [] });

    // Formats not asked for, the burned-in video of a request without burn-in, and names that are no file.
    expect((await http().get(`/api/transcriptions/${id}/subtitles.vtt`).expect(404)).body.error.message).toMatch(/not asked for/);
    await http().get(`/api/transcriptions/${id}/file`).expect(404);
    await http().get(`/api/transcriptions/${id}/subtitles.doc`).expect(404);
  });

  it('follows a reset: a new run under the same id is answered, not the remembered completed one', async () => {
    const upload = await finishedUpload();
    const { body: created } = await http().post('/api/transcriptions').send({ source: { upload }, formats: ['srt'] }).expect(202);
    const id = created.id as string;
    const run = temporal.runs.get(id)!;
    const dir = join(dataDir, 'transcriptions', id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'subtitles.srt'), '1\n00:00:00,000 --> 00:00:01,000\nhi\n\n');
    run.status = 'COMPLETED';
    run.progress = {
      stage: 'done',
      progress: 1,
      chunks: { done: 2, total: 2, cacheHits: 0 },
      result: { language: 'en', durationSeconds: 2, engine: 'pocketsphinx 5prealpha', files: { srt: `transcriptions/${id}/subtitles.srt` } },
    };
    expect((await http().get(`/api/transcriptions/${id}`).expect(200)).body.status).toBe('completed');
    await http().get(`/api/transcriptions/${id}/subtitles.srt`).expect(200);

    // `temporal workflow reset`: a new run, running again from the transcribe stage.
    Object.assign(run, { runId: 'run-2', status: 'RUNNING', startedActivity: true, progress: { stage: 'transcribe', progress: 0.4, chunks: { done: 1, total: 2, cacheHits: 1 } } });
    const reset = await http().get(`/api/transcriptions/${id}`).expect(200);
    expect(reset.body).toMatchObject({ status: 'running', stage: 'transcribe', progress: 0.4, chunks: { done: 1, total: 2, cacheHits: 1 } });
    expect(reset.body.result).toBeUndefined();
    // Its files are those of a run that is not finished yet.
    await http().get(`/api/transcriptions/${id}/subtitles.srt`).expect(409);

    // The new run fails: its failure is shown, not the first run's success.
    run.status = 'FAILED';
    run.failure = ApplicationFailure.create({ type: 'ProviderError', message: 'speech-to-text failed', nonRetryable: true, details: [{ stage: 'transcribe' }] });
    expect((await http().get(`/api/transcriptions/${id}`).expect(200)).body).toMatchObject({ status: 'failed', error: { type: 'ProviderError', stage: 'transcribe' } });
  });

  it('shows a failure with its type, message and stage', async () => {
    const upload = await finishedUpload();
    const { body: created } = await http().post('/api/transcriptions').send({ source: { upload } }).expect(202);
    const run = temporal.runs.get(created.id)!;
    run.status = 'FAILED';
    run.failure = ApplicationFailure.create({
      type: 'NoAudioStream',
      message: 'the file has no audio stream',
      nonRetryable: true,
      details: [{ stage: 'probe', progress: { stage: 'probe', progress: 0, chunks: { done: 0, total: 0, cacheHits: 0 } } }],
    });
    const res = await http().get(`/api/transcriptions/${created.id}`).expect(200);
    expect(res.body).toMatchObject({ status: 'failed', stage: 'probe', error: { type: 'NoAudioStream', message: 'the file has no audio stream', stage: 'probe' } });
    expect(res.body.result).toBeUndefined();
  });

  it('lists, cancels a running transcription, and refuses to cancel a finished one', async () => {
    const upload = await finishedUpload();
    const { body: a } = await http().post('/api/transcriptions').send({ source: { upload } }).expect(202);
    const { body: b } = await http().post('/api/transcriptions').send({ source: { upload } }).expect(202);
    temporal.runs.get(b.id)!.status = 'COMPLETED';

    const list = await http().get('/api/transcriptions?status=running&limit=10').expect(200);
    expect(list.body.items.map((i: { id: string }) => i.id).sort()).toEqual([a.id, b.id].sort());
    expect(list.body.nextCursor).toBeNull();
    expect(temporal.listed[0]).toMatchObject({ query: "VidflowKind = 'transcription' AND ExecutionStatus IN ('Running') ORDER BY StartTime DESC", pageSize: 10 });

    expect((await http().delete(`/api/transcriptions/${a.id}`).expect(202)).body).toEqual({ id: a.id, status: 'running' });
    expect(temporal.runs.get(a.id)!.cancelled).toBe(true);
    await http().delete(`/api/transcriptions/${b.id}`).expect(409);
  });

  it('answers 400 for what is no transcription id and 404 for an unknown one', async () => {
    expect((await http().get('/api/transcriptions/vid-1').expect(400)).body.error.details).toEqual([{ field: 'id', message: 'not a transcription id' }]);
    await http().get('/api/transcriptions/trn-unknown').expect(404);
    await http().delete('/api/transcriptions/trn-unknown').expect(404);
  });
});
