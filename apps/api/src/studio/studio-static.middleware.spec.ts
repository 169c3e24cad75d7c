import express from 'express';
import request from 'supertest';
import type { StudioAssets, StudioFile } from './studio-assets';
import { studioStaticMiddleware } from './studio-static.middleware';

const file = (body: string, type: string): StudioFile => ({ body: Buffer.from(body), type, etag: `"${body.length}"`, mtimeMs: 0 });
const files: Record<string, StudioFile> = {
  'index.html': file('<!doctype html><title>Studio</title>', 'text/html; charset=utf-8'),
  '/assets/app-1a2b.js': file('console.log(1)', 'text/javascript; charset=utf-8'),
};
const assets = { get: async (path: string) => files[path] } as unknown as StudioAssets;

function app() {
  const a = express();
  a.use(studioStaticMiddleware(assets));
  a.use((_req, res) => res.status(404).json({ error: { code: 'NOT_FOUND' } }));
  return a;
}

describe('studioStaticMiddleware', () => {
  it.each(['/', '/library', '/videos/vid-1', '/batches', '/batches/bat-1', '/schedules', '/cache', '/system', '/transcriptions', '/transcriptions/trn-1'])('answers the Studio route %s with index.html, revalidated', async (path) => {
    const res = await request(app()).get(path).expect(200);
    expect(res.text).toContain('<title>Studio</title>');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('serves hashed assets as immutable and leaves unknown paths, API paths and missing files alone', async () => {
    expect((await request(app()).get('/assets/app-1a2b.js').expect(200)).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    await request(app()).get('/no/such/path/12345').expect(404, { error: { code: 'NOT_FOUND' } });
    await request(app()).get('/videos/vid-1/extra').expect(404, { error: { code: 'NOT_FOUND' } });
    await request(app()).get('/api/videos').expect(404, { error: { code: 'NOT_FOUND' } });
    await request(app()).get('/assets/missing.js').expect(404);
  });
});
