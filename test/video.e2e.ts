import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ffprobe } from './support/ffprobe';
import { ffmpegProcessesWriting } from './support/processes';
import type { VoiceCatalog } from '@vidflow/contracts';
import { startTestStack, type TestStack, waitForVideo, waitForVoices, writeSlowBackground } from './support/test-stack';

/** End to end: REST API -> Temporal -> real worker -> espeak-ng + ffmpeg -> MP4 checked with ffprobe. */
describe('videos end to end', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const leftovers = (id: string) =>
    ['work', 'tmp'].flatMap((d) => (existsSync(join(stack.config.dataDir, d, id)) ? [`${d}/${id}`] : []));

  it('turns a script into a 1080x1920 H.264/AAC MP4 as long as its narration', async () => {
    const script =
      'Octopuses have three hearts. Two pump blood to the gills, and one pumps it to the rest of the body. ' +
      'Their blood is blue, because it carries oxygen with copper instead of iron. ' +
      'Each of their eight arms has its own cluster of neurons, so an arm can taste and touch on its own. ' +
      'They change colour in a fraction of a second, even though their eyes see no colour at all.';
    const created = await stack.api.post('/api/videos').send({ script }).expect(202);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^vid-/), status: 'queued' });
    expect(created.headers.location).toBe(`/api/videos/${created.body.id}`);

    const status = await waitForVideo(stack.api, created.body.id);
    expect(status).toMatchObject({ status: 'completed', stage: 'done', progress: 1 });
    expect(status.stages.script).toMatchObject({ status: 'completed', provider: 'input' });
    expect(status.stages.tts).toMatchObject({ status: 'completed', done: 2, total: 2, cacheHits: 0 });
    expect(status.stages.render).toMatchObject({ status: 'completed', progress: 1, attempt: 1 });

    const file = join(stack.config.dataDir, 'videos', `${created.body.id}.mp4`);
    const probed = ffprobe(file);
    expect(probed.video).toEqual({ codec: 'h264', width: 1080, height: 1920 });
    expect(probed.audio).toEqual({ codec: 'aac' });
    const narration = status.stages.tts.audioSeconds!;
    expect(narration).toBeGreaterThan(3);
    expect(Math.abs(probed.duration - narration) / narration).toBeLessThan(0.05);
    expect(status.result).toMatchObject({ width: 1080, height: 1920, file: `/api/videos/${created.body.id}/file` });
    expect(leftovers(created.body.id)).toEqual([]);

    const full = await stack.api.get(status.result!.file).buffer(true).expect(200);
    expect(full.headers['content-type']).toBe('video/mp4');
    expect(Number(full.headers['content-length'])).toBe(status.result!.bytes);
    const partial = await stack.api.get(status.result!.file).set('Range', 'bytes=0-99').expect(206);
    expect(partial.headers['content-range']).toBe(`bytes 0-99/${status.result!.bytes}`);
  });

  it('writes a script from a topic offline and renders 16:9 without captions', async () => {
    const created = await stack.api
      .post('/api/videos')
      .send({ topic: 'lighthouses', llm: { targetSeconds: 8 }, render: { aspect: '16:9', captions: { enabled: false } } })
      .expect(202);
    const status = await waitForVideo(stack.api, created.body.id);
    expect(status.status).toBe('completed');
    expect(status.stages.script.provider).toBe('offline');
    const probed = ffprobe(join(stack.config.dataDir, 'videos', `${created.body.id}.mp4`));
    expect(probed.video).toEqual({ codec: 'h264', width: 1920, height: 1080 });
  });

  it('refuses a voice.name the workers do not have with 422, and lists the voices they have', async () => {
    const voices = await waitForVoices(stack.api);
    expect(voices.status).toBe(200);
    const names = (voices.body as VoiceCatalog).providers.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['espeak', 'flite', 'festival']));
    const refused = await stack.api.post('/api/videos').send({ script: 'Hello there.', voice: { name: 'zz-nope' } }).expect(422);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ field: 'voice.name' })]);
    expect(refused.body.error.message).toContain('zz-nope');
    // A listed name passes (an alias of espeak-ng's, and a flite voice).
    for (const voice of [{ name: 'en' }, { provider: 'flite', name: 'rms' }]) {
      const accepted = await stack.api.post('/api/videos').send({ script: 'Hi.', voice, render: { height: 240 } }).expect(202);
      expect((await waitForVideo(stack.api, accepted.body.id)).status).toBe('completed');
    }
    await stack.api.post('/api/videos').send({ script: 'Hi.', voice: { provider: 'flite', name: 'zz' } }).expect(422);
  });

  it('speaks with flite and festival end to end', async () => {
    for (const voice of [{ provider: 'flite', name: 'slt' }, { provider: 'festival' }]) {
      const created = await stack.api.post('/api/videos').send({ script: 'The deep sea is dark. Life is everywhere.', voice, render: { height: 240 } }).expect(202);
      const status = await waitForVideo(stack.api, created.body.id);
      expect(status.status).toBe('completed');
      expect(status.result!.durationSeconds).toBeGreaterThan(1.5);
      const probed = ffprobe(join(stack.config.dataDir, 'videos', `${created.body.id}.mp4`));
      expect(probed.audio).toBeDefined();
    }
  });

  it('fails fast, in the tts stage, when espeak-ng has no voice for the language', async () => {
    const created = await stack.api
      .post('/api/videos')
      .send({ script: 'Hello there.', language: 'zz' })
      .expect(202);
    const status = await waitForVideo(stack.api, created.body.id);
    expect(status.status).toBe('failed');
    expect(status.error).toMatchObject({ type: 'BadInput', stage: 'tts' });
    expect(status.error!.message).toContain('no voice "zz"');
    expect(status.stages.tts.status).toBe('failed');
    expect(leftovers(created.body.id)).toEqual([]);
    await stack.api.get(`/api/videos/${created.body.id}/file`).expect(409);
  });

  it('cancels a running render: ffmpeg stops and nothing is left behind', async () => {
    const created = await stack.api
      .post('/api/videos')
      .send({ topic: 'the history of clocks', llm: { targetSeconds: 90 }, render: { fps: 60, background: { video: writeSlowBackground(stack.config.mediaDir) } } })
      .expect(202);
    const id = created.body.id as string;
    await waitForVideo(stack.api, id, (s) => s.stage === 'render' && s.stages.render.progress > 0);
    await stack.api.delete(`/api/videos/${id}`).expect(202);
    const status = await waitForVideo(stack.api, id);
    expect(status.status).toBe('cancelled');
    expect(status.stages.render.status).toBe('cancelled');
    expect(existsSync(join(stack.config.dataDir, 'videos', `${id}.mp4`))).toBe(false);
    expect(leftovers(id)).toEqual([]);
    expect(ffmpegProcessesWriting(stack.config.dataDir)).toEqual([]);
    await stack.api.delete(`/api/videos/${id}`).expect(409);
  });

  it('streams status events until the video is terminal, and lists videos from visibility', async () => {
    const created = await stack.api.post('/api/videos').send({ script: 'Bees dance to give directions. Each dance points at flowers.' }).expect(202);
    const id = created.body.id as string;
    const res = await stack.api
      .get(`/api/videos/${id}/events`)
      .buffer(true)
      .parse((r, done) => {
        let text = '';
        r.on('data', (c: Buffer) => (text += c.toString()));
        r.on('end', () => done(null, text));
      })
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = (res.body as string)
      .split('\n\n')
      .filter((e) => e.startsWith('id: ')) // status objects are unnamed (message) events
      .map((e) => JSON.parse(e.split('\n').find((l) => l.startsWith('data: '))!.slice(6)));
    expect(events.length).toBeGreaterThan(1);
    expect(events.at(-1)).toMatchObject({ id, status: 'completed', progress: 1 });
    expect(res.body as string).toMatch(/event: end\ndata: .*\n\n$/);
    const progress = events.map((e) => e.progress as number);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress); // never goes backwards
    await stack.api.get('/api/videos/vid-00000000-0000-4000-8000-000000000000/events').expect(404);

    // Visibility is eventually consistent; give it a moment to index the close.
    let listed: { items: Array<{ id: string; status: string }>; nextCursor: string | null } = { items: [], nextCursor: null };
    for (let i = 0; i < 50 && !listed.items.some((v) => v.id === id); i++) {
      listed = (await stack.api.get('/api/videos?status=completed&limit=100').expect(200)).body;
      if (!listed.items.some((v) => v.id === id)) await new Promise((r) => setTimeout(r, 200));
    }
    expect(listed.items.find((v) => v.id === id)).toMatchObject({ status: 'completed', stage: 'done', links: { self: `/api/videos/${id}` } });
    expect(listed.items.every((v) => v.status === 'completed')).toBe(true);
    const first = (await stack.api.get('/api/videos?limit=1').expect(200)).body;
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await stack.api.get(`/api/videos?limit=1&cursor=${first.nextCursor}`).expect(200)).body;
    expect(second.items[0].id).not.toBe(first.items[0].id);
    await stack.api.get('/api/videos?status=done').expect(400);
    await stack.api.get('/api/videos?cursor=%25%25%25').expect(400);
  });

  it('honours Idempotency-Key: same key and body, same video; another body, 409', async () => {
    const key = `order-${Date.now()}`;
    const body = { script: 'Idempotent requests are safe to retry.' };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => stack.api.post('/api/videos').set('Idempotency-Key', key).send(body).expect(202)),
    );
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids] as string[];
    const conflict = await stack.api.post('/api/videos').set('Idempotency-Key', key).send({ script: 'Something else.' }).expect(409);
    expect(conflict.body.error.message).toContain('Idempotency-Key');
    await waitForVideo(stack.api, id!);
    // After it finished, the same key still names the same video (no second run).
    const again = await stack.api.post('/api/videos').set('Idempotency-Key', key).send({ script: 'Idempotent requests are safe to retry.' }).expect(202);
    expect(again.body.id).toBe(id);
    const bad = await stack.api.post('/api/videos').set('Idempotency-Key', 'has spaces in it').send(body).expect(400);
    expect(bad.body.error.details[0].field).toBe('Idempotency-Key');
  });

  it('answers 404 for an unknown video and 400 for a malformed id', async () => {
    const missing = await stack.api.get('/api/videos/vid-00000000-0000-4000-8000-000000000000').expect(404);
    expect(missing.body.error).toMatchObject({ code: 'NOT_FOUND' });
    const bad = await stack.api.get('/api/videos/..%2f..%2fetc').expect(400);
    expect(bad.body.error.message).toContain('id');
  });
});
