import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOTS } from './chromium';
import { axe, startStudioStack, type StudioStack } from './studio-stack';

// The Create page's richer paths in chromium against the real stack: a topic with a chosen voice and caption style,
// the media library (upload in the page, then the background), scenes edited so that only one is spoken again,
// a video that fails on its media, a reload during the render, the library's thumbnails and delete, offline.
let stack: StudioStack;
let media: Server;
let mediaBase: string;
let png: Buffer;

beforeAll(async () => {
  const dir = mkdtempSync(join(process.env.VIDFLOW_TEST_ROOT!, 'studio-create-'));
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=0x9b2226:s=320x240', '-frames:v', '1', join(dir, 'red.png')]);
  png = readFileSync(join(dir, 'red.png'));
  // A "picture" that is a sign-in page: the render refuses it (BadMedia naming the field).
  media = createServer((_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Sign in</title>\n'));
  await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
  mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
  stack = await startStudioStack({ MEDIA_ALLOW_PRIVATE_URLS: 'true' });
});
afterAll(async () => {
  await stack?.close();
  media?.closeAllConnections();
  await new Promise((r) => media?.close(r));
});

const completed = (page: Page) => page.locator('.badge.completed').waitFor({ timeout: 150_000 });
const videoId = (page: Page) => page.url().split('/').pop()!;

test('a topic with a voice from /api/voices, a caption style, and an image uploaded to the media library as background', async () => {
  const page = await stack.openPage('/', undefined, { expectStatus: [415] });
  await page.getByLabel('A topic').check();
  await page.getByLabel('Topic', { exact: true }).fill('Why the sky is blue');
  // The worker's voices, grouped by provider, of the form's language.
  const voice = page.getByLabel('Voice', { exact: true });
  await page.locator('#voice\\.name optgroup[label="flite"] option').first().waitFor({ state: 'attached' });
  const flite = await page.locator('#voice\\.name optgroup[label="flite"] option').first().getAttribute('value');
  await voice.selectOption(flite!);
  await page.getByLabel('Caption style').selectOption('karaoke');
  await page.getByLabel('Timing').selectOption('word');
  await page.getByLabel('Position').selectOption('top');
  await page.getByLabel('Height in pixels (empty: full HD)').fill('320');

  // Upload in the page: the library item's media:<id> fills the field.
  await page.getByLabel('Upload image or video to the media library').setInputFiles({ name: 'red.png', mimeType: 'image/png', buffer: png });
  await page.getByRole('status').filter({ hasText: /^Uploaded red\.png \(image\) as media:med-/ }).waitFor();
  const background = await page.getByLabel('Background: colour (#0b1d3a), image or video (URL, path or media:id)').inputValue();
  expect(background).toMatch(/^media:med-[0-9a-f]{32}$/);
  // A file that is no media is refused, named, and the field keeps its value.
  await page.getByLabel('Upload image or video to the media library').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture\n') });
  await page.getByRole('alert').filter({ hasText: /notes\.txt/ }).waitFor();
  await expect(page.getByLabel('Background: colour (#0b1d3a), image or video (URL, path or media:id)').inputValue()).resolves.toBe(background);
  // The uploaded picture is now offered by the library picker too.
  await expect(page.locator('#render\\.background-library option', { hasText: 'red.png (image)' }).count()).resolves.toBe(1);
  await page.screenshot({ path: join(SCREENSHOTS, 'create-media.png'), fullPage: true });
  expect(await axe(page)).toEqual([]);

  await page.getByRole('button', { name: 'Make video' }).click();
  await page.waitForURL(/\/videos\/vid-/);
  await completed(page);
  const id = videoId(page);
  const request = (await (await fetch(`${stack.base}/api/videos/${id}`)).json()) as { result: { thumbnail: string } };
  expect(request.result.thumbnail).toBe(`/api/videos/${id}/thumbnail`);
  // The player shows the poster frame the render wrote.
  await expect(page.locator('video').getAttribute('poster')).resolves.toBe(`/api/videos/${id}/thumbnail`);
  const thumb = await fetch(`${stack.base}/api/videos/${id}/thumbnail`);
  expect(thumb.headers.get('content-type')).toBe('image/jpeg');
  // The frame is the uploaded red picture (captions are at the top; the middle row is background).
  const frame = execFileSync('ffmpeg', ['-v', 'error', '-i', 'pipe:0', '-vf', 'format=rgb24,crop=1:1:iw/2:ih*3/4', '-f', 'rawvideo', 'pipe:1'], { input: Buffer.from(await thumb.arrayBuffer()) });
  expect(frame[0]).toBeGreaterThan(120); // red
  expect(frame[2]).toBeLessThan(90);
  await page.close();
});

test('scenes edited after a first run: only the changed scene is spoken again', async () => {
  const page = await stack.openPage('/');
  await page.getByLabel('Scenes', { exact: true }).check();
  const texts = ['Rivers run to the sea.', 'The sea turns to rain.', 'Rain fills the rivers.'];
  for (const [i, text] of texts.entries()) {
    if (i > 0) await page.getByRole('button', { name: 'Add scene' }).click();
    await page.getByLabel(`Scene ${i + 1} text`).fill(text);
  }
  await page.getByLabel('Height in pixels (empty: full HD)').fill('240');
  await page.getByRole('button', { name: 'Make video' }).click();
  await page.waitForURL(/\/videos\/vid-/);
  await completed(page);
  const first = videoId(page);

  await page.getByRole('button', { name: 'Edit and make again' }).click();
  await expect(page.getByLabel('Scene 2 text').inputValue()).resolves.toBe(texts[1]);
  await page.getByLabel('Scene 2 text').fill('The sea turns to snow.');
  await page.getByRole('button', { name: 'Make video' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/videos/') && !url.pathname.endsWith(first));
  await completed(page);
  await page.locator('p.note', { hasText: '2 of 3 scenes from cache' }).waitFor();
  await page.screenshot({ path: join(SCREENSHOTS, 'edited-scene.png'), fullPage: true });
  await page.close();
});

test('a video that fails on its media shows the message and stage, and offers to edit and retry', async () => {
  const page = await stack.openPage('/');
  await page.getByLabel('Script', { exact: true }).fill('A picture that is not one.');
  await page.getByLabel('Height in pixels (empty: full HD)').fill('240');
  await page.getByLabel('Background: colour (#0b1d3a), image or video (URL, path or media:id)').fill(`${mediaBase}/bg.png`);
  await page.getByRole('button', { name: 'Make video' }).click();
  await page.waitForURL(/\/videos\/vid-/);
  const alert = page.getByRole('alert').filter({ hasText: /^Failed in render \(BadMedia\):/ });
  await alert.waitFor({ timeout: 150_000 });
  await expect(alert.textContent()).resolves.toMatch(/render\.background\.image/);
  await page.screenshot({ path: join(SCREENSHOTS, 'failed.png'), fullPage: true });
  expect(await axe(page)).toEqual([]);
  await page.getByRole('button', { name: 'Edit and retry' }).click();
  await expect(page.getByLabel('Background: colour (#0b1d3a), image or video (URL, path or media:id)').inputValue()).resolves.toBe(`${mediaBase}/bg.png`);
  await page.close();
});

test('a reload during the render reattaches to the running video and follows it to the end', async () => {
  const page = await stack.openPage('/');
  // Long enough at full HD that the render is still running a moment after it starts.
  const script = Array.from({ length: 8 }, (_, i) => `This is sentence number ${i + 1} of a longer video that takes a while to render.`).join(' ');
  await page.getByLabel('Script', { exact: true }).fill(script);
  await page.getByLabel('Frames per second').fill('60');
  await page.getByRole('button', { name: 'Make video' }).click();
  await page.waitForURL(/\/videos\/vid-/);
  const renderRow = page.locator('tr', { has: page.locator('th', { hasText: /^Render$/ }) });
  await renderRow.locator('td', { hasText: /^running$/ }).waitFor({ timeout: 150_000 });
  await page.reload();
  // After the reload the page reads the same video's stream again: the render still running, then completed.
  await page.locator('.badge.running, .badge.completed').first().waitFor({ timeout: 30_000 });
  const seen = await page.locator('.badge').first().textContent();
  await completed(page);
  expect(['running', 'completed']).toContain(seen);
  await expect(renderRow.locator('td').nth(0).textContent()).resolves.toBe('completed');
  await page.close();
});

test('the library shows poster thumbnails and deletes a finished video', async () => {
  const page = await stack.openPage('/library');
  const thumb = page.locator('.library li img.thumb').first();
  await thumb.waitFor();
  await expect(thumb.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth)).resolves.toBe(320);
  await page.screenshot({ path: join(SCREENSHOTS, 'library-thumbnails.png'), fullPage: true });
  expect(await axe(page)).toEqual([]);

  const item = page.locator('.library li', { has: page.locator('.badge.failed') }).first();
  const id = (await item.locator('a.mono').textContent())!;
  page.once('dialog', (dialog) => void dialog.accept());
  await item.getByRole('button', { name: `Delete ${id}` }).click();
  await page.getByRole('status').filter({ hasText: `Video ${id} deleted.` }).waitFor();
  // Gone at once for this API, although Temporal removes the run asynchronously; gone from the list too.
  expect((await fetch(`${stack.base}/api/videos/${id}`)).status).toBe(404);
  expect((await fetch(`${stack.base}/api/videos/${id}/file`)).status).toBe(404);
  const listed = (await (await fetch(`${stack.base}/api/videos?limit=100`)).json()) as { items: Array<{ id: string }> };
  expect(listed.items.map((v) => v.id)).not.toContain(id);
  expect(listed.items.length).toBeGreaterThan(0);
  // A second delete finds nothing; a running video cannot be deleted (tested in videos.service.spec).
  expect((await fetch(`${stack.base}/api/videos/${id}?purge=true`, { method: 'DELETE' })).status).toBe(404);
  expect((await fetch(`${stack.base}/api/videos/${listed.items[0]!.id}?purge=yes`, { method: 'DELETE' })).status).toBe(400);
  await page.close();
});

test('offline, the service worker serves the app shell', async () => {
  const page = await stack.openPage('/library');
  await page.getByRole('heading', { name: 'Videos' }).waitFor();
  await page.evaluate('navigator.serviceWorker.ready.then(() => true)');
  // A page load controlled by the worker, so that it has cached the shell and the assets it uses.
  await page.reload();
  await page.getByRole('heading', { name: 'Videos' }).waitFor();
  await expect(page.evaluate<boolean>('navigator.serviceWorker.controller !== null')).resolves.toBe(true);
  await stack.browser.setOffline(true);
  try {
    await page.goto(`${stack.base}/`);
    await page.getByRole('heading', { name: 'Make a video' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'offline.png'), fullPage: true });
  } finally {
    await stack.browser.setOffline(false);
  }
  await page.close();
  // Offline, the pages' API calls fail (the worker never caches /api): those console errors are expected here.
  stack.consoleErrors.splice(0, stack.consoleErrors.length, ...stack.consoleErrors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(e)));
  expect(stack.consoleErrors).toEqual([]);
});
