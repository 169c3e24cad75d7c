import { join } from 'node:path';
import { SCREENSHOTS } from './chromium';
import { axe, startStudioStack, type StudioStack } from './studio-stack';

let stack: StudioStack;
let base: string;
const openPage: StudioStack['openPage'] = (...args) => stack.openPage(...args);

beforeAll(async () => {
  stack = await startStudioStack();
  base = stack.base;
});
afterAll(() => stack?.close());

test('the API serves the Studio: index.html revalidated with an ETag, hashed assets immutable and precompressed', async () => {
  const index = await fetch(`${base}/`);
  expect(index.headers.get('cache-control')).toBe('no-cache');
  const etag = index.headers.get('etag')!;
  expect((await fetch(`${base}/`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
  const html = await index.text();
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
  const asset = await fetch(`${base}${script}`, { headers: { 'Accept-Encoding': 'br' } });
  expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  expect(asset.headers.get('content-encoding')).toBe('br');
  // A client-side route is the same app.
  expect(await (await fetch(`${base}/library`)).text()).toBe(html);
  expect((await fetch(`${base}/assets/nope.js`)).status).toBe(404);
});

test('create from a script: live progress, then the video plays and offers its download', async () => {
  const page = await openPage('/');
  await page.getByLabel('Script', { exact: true }).fill('The sea is deep. Whales sing in the dark. Light fades fast below.');
  await page.getByLabel('Height in pixels (empty: full HD)').fill('320');
  await page.screenshot({ path: join(SCREENSHOTS, 'create.png'), fullPage: true });
  expect(await axe(page)).toEqual([]);
  await page.getByRole('button', { name: 'Make video' }).click();
  await page.waitForURL(/\/videos\/vid-/);
  await page.locator('.badge.completed').waitFor({ timeout: 150_000 });
  const id = page.url().split('/').pop()!;
  const status = (await (await fetch(`${base}/api/videos/${id}`)).json()) as { result: { durationSeconds: number } };
  await expect(page.getByRole('link', { name: 'Download MP4' }).getAttribute('href')).resolves.toBe(`/api/videos/${id}/file`);
  // Debian's chromium is built with proprietary codecs (H.264) or not: the README says which; the test records it.
  const playable = await page.evaluate<string>(`document.createElement('video').canPlayType('video/mp4; codecs="avc1.42E01E"')`);
  if (playable) {
    await page.waitForFunction(`document.querySelector('video').readyState >= 2`, undefined, { timeout: 30_000 });
    const duration = await page.evaluate<number>(`document.querySelector('video').duration`);
    expect(Math.abs(duration - status.result.durationSeconds) / status.result.durationSeconds).toBeLessThan(0.05);
  }
  await page.screenshot({ path: join(SCREENSHOTS, 'result.png'), fullPage: true });
  expect(await axe(page)).toEqual([]);

  // Edit and make again: the form opens with the request; the new run is followed live like the first.
  await page.getByRole('button', { name: 'Edit and make again' }).click();
  await expect(page.getByLabel('Script', { exact: true }).inputValue()).resolves.toContain('Whales sing in the dark.');
  await page.getByLabel('Script', { exact: true }).fill('The sea is deep. Whales hum in the dark. Light fades fast below.');
  await page.getByRole('button', { name: 'Make video' }).click();
  await page.waitForURL((url) => url.pathname !== `/videos/${id}` && url.pathname.startsWith('/videos/'));
  await page.locator('.badge.completed').waitFor({ timeout: 150_000 });
  await page.close();
});

test('a validation error from the API is shown next to the field it names', async () => {
  const page = await openPage('/', undefined, { expectStatus: [400] });
  await page.getByLabel('Script', { exact: true }).fill('Hello there.');
  await page.getByLabel('Frames per second').fill('500');
  await page.getByRole('button', { name: 'Make video' }).click();
  const fps = page.getByLabel('Frames per second');
  await expect(fps.getAttribute('aria-invalid').then(() => page.locator('#render\\.fps-error').textContent())).resolves.toMatch(/60/);
  await expect(fps.getAttribute('aria-invalid')).resolves.toBe('true');
  await page.close();
});

test('the library lists videos newest first; the phone viewport has no serious accessibility problem', async () => {
  const page = await openPage('/library', { width: 390, height: 844 });
  await page.locator('.library li').first().waitFor();
  await page.screenshot({ path: join(SCREENSHOTS, 'library-phone.png'), fullPage: true });
  expect(await axe(page)).toEqual([]);
  await page.close();
  expect(stack.consoleErrors).toEqual([]);
});
