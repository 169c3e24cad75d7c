import type { INestApplication } from '@nestjs/common';
import type { BrowserContext, Page } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@vidflow/config';
import { createApp } from '../../apps/api/src/create-app';
import { TemporalWorkerService } from '../../apps/worker/src/temporal-worker.service';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { testEnv } from '../support/test-stack';
import { launchChromium, SCREENSHOTS } from './chromium';

// The Studio in a real browser (Debian's chromium through playwright-core) against the real stack:
// the API serving the built Studio on a port, a worker, the test Temporal server.
let app: INestApplication;
let base: string;
let browser: BrowserContext;
let stopWorker: () => Promise<void>;
const consoleErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const config = loadConfig(testEnv({ WORKER_HTTP_PORT: '0' }));
  const workerCtx = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
  const worker = workerCtx.get(TemporalWorkerService);
  const running = worker.run();
  stopWorker = async () => {
    worker.shutdownWorkers();
    await running;
    await workerCtx.close();
  };
  app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await stopWorker?.();
});

async function openPage(path: string, viewport = { width: 1280, height: 900 }, o: { answers400?: boolean } = {}): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewportSize(viewport);
  page.on('console', (m) => {
    // Chromium logs every 4xx fetch; a page that is meant to get a 400 (a refused form) is not an error.
    if (m.type() === 'error' && !(o.answers400 && m.text().includes('status of 400'))) consoleErrors.push(`${path}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${path}: ${e.message}`));
  await page.goto(`${base}${path}`);
  return page;
}

async function axe(page: Page): Promise<Array<{ id: string; impact: string }>> {
  // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') rightly refuses an inline <script>.
  await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const result = await page.evaluate<{ violations: Array<{ id: string; impact: string }> }>('axe.run()');
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map(({ id, impact }) => ({ id, impact }));
}

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
  const page = await openPage('/', undefined, { answers400: true });
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
  expect(consoleErrors).toEqual([]);
});
