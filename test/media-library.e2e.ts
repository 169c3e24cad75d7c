import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { ffprobe } from './support/ffprobe';
import { startTestStack, waitForVideo, type TestStack } from './support/test-stack';

jest.setTimeout(300_000);

/**
 * The media library through the real stack: multipart and tus uploads sniffed by the worker's ffprobe activity,
 * content-addressed storage, pages, Range downloads, deletion, and `media:<id>` used by a real render and a real
 * transcription.
 */
describe('media library (/api/media) end to end', () => {
  let stack: TestStack;
  let dir: string;
  const api = () => stack.api;
  const make = (args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);

  beforeAll(async () => {
    // A small MEDIA_MAX_BYTES so that the over-limit answer is cheap to provoke.
    stack = await startTestStack({ MEDIA_MAX_BYTES: String(200 * 1024) });
    dir = mkdtempSync(join(process.env.VIDFLOW_TEST_ROOT!, 'media-in-'));
    make(['-f', 'lavfi', '-i', 'color=c=red:s=320x240', '-frames:v', '1', join(dir, 'red.png')]);
    make(['-f', 'lavfi', '-i', 'sine=frequency=440:d=2', '-c:a', 'pcm_s16le', join(dir, 'tone.wav')]);
    execFileSync('espeak-ng', ['-w', join(dir, 'speech.wav'), 'the river runs to the sea']);
    writeFileSync(join(dir, 'notes.png'), 'this is text, not a picture\n');
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(300 * 1024, 7));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const upload = (file: string, name = file) => api().post('/api/media').attach('file', join(dir, file), name);
  const libraryFiles = () => readdirSync(join(stack.config.dataDir, 'library', 'files'));
  const incoming = () => (existsSync(join(stack.config.dataDir, 'library', 'incoming')) ? readdirSync(join(stack.config.dataDir, 'library', 'incoming')) : []);

  it('stores an image sniffed by content, once per content, and serves it with Range', async () => {
    const bytes = readFileSync(join(dir, 'red.png'));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const created = await upload('red.png', 'background.jpg').expect(201);
    expect(created.body).toEqual({
      id: `med-${sha256.slice(0, 32)}`,
      name: 'background.jpg',
      kind: 'image',
      bytes: bytes.length,
      sha256,
      width: 320,
      height: 240,
      createdAt: expect.any(String),
      links: { self: `/api/media/med-${sha256.slice(0, 32)}`, file: `/api/media/med-${sha256.slice(0, 32)}/file` },
    });
    expect(created.headers.location).toBe(created.body.links.self);
    // The same bytes again: the same item, one file.
    const again = await upload('red.png').expect(201);
    expect(again.body.id).toBe(created.body.id);
    expect(libraryFiles()).toEqual([created.body.id]);

    expect((await api().get(created.body.links.self).expect(200)).body).toEqual(created.body);
    const file = await api().get(created.body.links.file).buffer(true).parse(binary).expect(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(file.body as Buffer, bytes)).toBe(0);
    const part = await api().get(created.body.links.file).set('Range', 'bytes=1-3').buffer(true).parse(binary).expect(206);
    expect((part.body as Buffer).toString('latin1')).toBe('PNG');
    expect(part.headers['content-range']).toBe(`bytes 1-3/${bytes.length}`);
  });

  it('refuses what is no media with 415 naming the file, and a file over MEDIA_MAX_BYTES with 413, keeping nothing', async () => {
    const before = libraryFiles().length;
    const text = await upload('notes.png').expect(415);
    expect(text.body.error.message).toMatch(/^file: "notes\.png" is not supported: /);
    expect(text.body.error.details).toEqual([{ field: 'file', message: expect.stringContaining('"notes.png"') }]);
    const big = await upload('big.bin').expect(413);
    expect(big.body.error.details).toEqual([{ field: 'file', message: 'larger than 204800 bytes' }]);
    expect(libraryFiles()).toHaveLength(before);
    expect(incoming().filter((n) => n.startsWith('in-'))).toEqual([]);
    // No file part at all, the wrong field, and a JSON body naming no upload.
    expect((await api().post('/api/media').field('name', 'x').expect(400)).body.error.details[0].field).toBe('file');
    expect((await api().post('/api/media').attach('picture', join(dir, 'red.png')).expect(400)).body.error.message).toMatch(/field "file"/);
    expect((await api().post('/api/media').send({ upload: 'upl-00000000000000000000000000000000' }).expect(422)).body.error.details).toEqual([
      { field: 'upload', message: 'no upload with id upl-00000000000000000000000000000000' },
    ]);
  });

  it('takes a finished tus upload, lists by kind with cursor pages, and deletes', async () => {
    const wav = readFileSync(join(dir, 'tone.wav'));
    const tus = await api()
      .post('/api/uploads')
      .set({ 'Tus-Resumable': '1.0.0', 'Upload-Length': String(wav.length), 'Upload-Metadata': `filename ${Buffer.from('tone.wav').toString('base64')}`, 'Content-Type': 'application/offset+octet-stream' })
      .send(wav)
      .expect(201);
    const uploadId = (tus.headers.location as string).split('/').pop()!;
    const audio = await api().post('/api/media').send({ upload: uploadId }).expect(201);
    expect(audio.body).toMatchObject({ kind: 'audio', name: 'tone.wav', bytes: wav.length });
    expect(audio.body.durationSeconds).toBeCloseTo(2, 1);
    expect(audio.body.width).toBeUndefined();

    const audios = await api().get('/api/media?kind=audio').expect(200);
    expect(audios.body.items.map((i: { id: string }) => i.id)).toEqual([audio.body.id]);
    const first = await api().get('/api/media?limit=1').expect(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api().get(`/api/media?limit=1&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    expect((await api().get('/api/media?cursor=***').expect(400)).body.error.details[0].field).toBe('cursor');
    expect((await api().get('/api/media?kind=text').expect(400)).body.error.details[0].field).toBe('kind');

    expect((await api().delete(audio.body.links.self).expect(200)).body).toEqual({ id: audio.body.id, deleted: true });
    await api().get(audio.body.links.self).expect(404);
    await api().get(audio.body.links.file).expect(404);
    await api().delete(audio.body.links.self).expect(404);
    expect((await api().get('/api/media/not-an-id').expect(400)).body.error.details).toEqual([{ field: 'id', message: 'not a media id' }]);
    // A deleted item named by a request: 422 naming the field.
    const refused = await api().post('/api/transcriptions').send({ source: { media: audio.body.id } }).expect(422);
    expect(refused.body.error.details).toEqual([{ field: 'source.media', message: `no media-library item ${audio.body.id}` }]);
  });

  it('renders a video over media:<id> as its background, and refuses an unknown id naming the field', async () => {
    const image = (await upload('red.png').expect(201)).body as { id: string };
    const unknown = await api()
      .post('/api/videos')
      .send({ scenes: [{ text: 'One.' }, { text: 'Two.', background: { image: 'media:med-00000000000000000000000000000000' } }], render: { height: 240 } })
      .expect(422);
    expect(unknown.body.error.details).toEqual([{ field: 'scenes.1.background.image', message: expect.stringContaining('no media-library item med-00000000000000000000000000000000') }]);
    const malformed = await api().post('/api/videos').send({ script: 'x.', render: { background: { image: 'media:../../etc/passwd' } } }).expect(422);
    expect(malformed.body.error.details[0].field).toBe('render.background.image');

    const created = await api()
      .post('/api/videos')
      .send({ script: 'A red sky tonight.', render: { height: 240, captions: { enabled: false }, background: { image: `media:${image.id}` } } })
      .expect(202);
    const done = await waitForVideo(api(), created.body.id);
    expect(done.status).toBe('completed');
    const file = await api().get(`/api/videos/${created.body.id}/file`).buffer(true).parse(binary).expect(200);
    const mp4 = join(dir, 'red-video.mp4');
    writeFileSync(mp4, file.body as Buffer);
    expect(ffprobe(mp4).video).toMatchObject({ codec: 'h264' });
    // The picture is the library's red image: one frame averaged to a single pixel.
    const [r, g, b] = execFileSync('ffmpeg', ['-v', 'error', '-i', mp4, '-frames:v', '1', '-vf', 'scale=1:1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
    expect(r).toBeGreaterThan(180);
    expect(g).toBeLessThan(70);
    expect(b).toBeLessThan(70);
  });

  it('transcribes source.media', async () => {
    const speech = (await api().post('/api/media').attach('file', join(dir, 'speech.wav')).expect(201)).body as { id: string; kind: string };
    expect(speech.kind).toBe('audio');
    const created = await api().post('/api/transcriptions').send({ source: { media: speech.id }, formats: ['txt', 'json'] }).expect(202);
    let status: { status: string; result?: { durationSeconds: number; files: Record<string, string> } } | undefined;
    for (let i = 0; i < 600 && (!status || ['queued', 'running'].includes(status.status)); i++) {
      await new Promise((r) => setTimeout(r, 300));
      status = (await api().get(`/api/transcriptions/${created.body.id}`)).body;
    }
    expect(status).toMatchObject({ status: 'completed' });
    expect(status!.result!.durationSeconds).toBeGreaterThan(1);
    const json = await api().get(status!.result!.files.json!).expect(200);
    expect(json.body.segments.length).toBeGreaterThan(0);
  });
});

function binary(res: Response, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}
