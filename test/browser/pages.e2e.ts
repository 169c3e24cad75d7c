import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SCREENSHOTS } from './chromium';
import { axe, startStudioStack, type StudioStack } from './studio-stack';

// The Studio's operator pages (batches, schedules, cache, system) in chromium against the real stack.
let stack: StudioStack;
let media: Server;
let mediaBase: string;
/** The background image answers as a web page (refused: BadMedia) until the test makes it a PNG. */
let imageReady = false;

beforeAll(async () => {
  const dir = mkdtempSync(join(process.env.VIDFLOW_TEST_ROOT!, 'studio-media-'));
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=0x2a6f97:s=320x240', '-frames:v', '1', join(dir, 'bg.png')]);
  const png = readFileSync(join(dir, 'bg.png'));
  media = createServer((_req, res) => {
    if (!imageReady) return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Sign in</title>\n');
    res.writeHead(200, { 'content-type': 'image/png' }).end(png);
  });
  await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
  mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
  // The media server is on loopback here: the stack must allow private addresses to fetch from it.
  stack = await startStudioStack({ MEDIA_ALLOW_PRIVATE_URLS: 'true' });
});
afterAll(async () => {
  await stack?.close();
  media?.closeAllConnections();
  await new Promise((r) => media?.close(r));
});

const count = (page: import('playwright-core').Page, name: string) => page.locator(`td[data-count="${name}"]`).textContent();

test('a batch from pasted CSV: live counts, the failing item with its error, and its retry', async () => {
  const page = await stack.openPage('/batches');
  // A bad file is refused in the form, naming where.
  await page.getByLabel('Batch file (CSV or JSON)').fill('script,colour\n"Hello.",red');
  await page.getByRole('button', { name: 'Start batch' }).click();
  await expect(page.locator('#batch-items-error').textContent()).resolves.toMatch(/unknown CSV column "colour"/);
  await expect(page.getByLabel('Batch file (CSV or JSON)').getAttribute('aria-invalid')).resolves.toBe('true');

  await page.getByLabel('Batch file (CSV or JSON)').fill(
    `script,height,background_image\n"The sea is deep. Whales sing.",240,\n"Stars are far. Light is old.",240,${mediaBase}/bg.png\n`,
  );
  await page.getByLabel('Videos at once (empty: server default)').fill('2');
  await page.screenshot({ path: join(SCREENSHOTS, 'batches.png'), fullPage: true });
  expect(await axe(page)).toEqual([]);
  await page.getByRole('button', { name: 'Start batch' }).click();
  await page.waitForURL(/\/batches\/[^/]+$/);
  // The page's CSP refuses string evaluation (waitForFunction): wait on locators.
  await page.locator('h1 + p .badge', { hasText: /^completed$/ }).waitFor({ timeout: 150_000 });
  await expect(count(page, 'completed')).resolves.toBe('1');
  await expect(count(page, 'failed')).resolves.toBe('1');
  await expect(page.locator('table.items tbody tr').nth(1).textContent()).resolves.toMatch(/failed.*render/);
  await page.screenshot({ path: join(SCREENSHOTS, 'batch-failed.png'), fullPage: true });
  expect(await axe(page)).toEqual([]);

  imageReady = true;
  await page.getByRole('button', { name: 'Retry 1 failed' }).click();
  await page.getByRole('status').filter({ hasText: 'Retrying 1 failed video.' }).waitFor();
  await page.locator('td[data-count="completed"]', { hasText: /^2$/ }).waitFor({ timeout: 150_000 });
  await expect(count(page, 'failed')).resolves.toBe('0');
  await page.close();
});

test('a schedule created from the form, triggered now: its run appears with its batch', async () => {
  const page = await stack.openPage('/schedules', undefined, { expectStatus: [400] });
  const id = `studio-${Date.now().toString(36)}`;
  await page.getByLabel('Schedule id').fill(id);
  await page.getByLabel('Cron (minute hour day month weekday)').fill('0 9 * * *');
  await page.getByLabel('Time zone').fill('Europe/Berlin');
  await page.getByLabel('Start paused').check();
  await page.getByLabel('Batch file (CSV or JSON)').fill('[{ "script": "Morning news. It is sunny.", "render": { "height": 240 } }]');
  await page.getByRole('button', { name: 'Create schedule' }).click();
  await page.getByRole('status').filter({ hasText: `Schedule ${id} created.` }).waitFor();
  const card = page.locator('.card', { has: page.locator(`h2:text-is("${id}")`) });
  await expect(card.textContent()).resolves.toMatch(/paused.*cron 0 9 \* \* \*.*Europe\/Berlin.*overlap skip.*1 videos per run/);
  await page.screenshot({ path: join(SCREENSHOTS, 'schedules.png'), fullPage: true });
  expect(await axe(page)).toEqual([]);

  await card.getByRole('button', { name: `Run now ${id}` }).click();
  await card.locator('a[href^="/batches/"]').first().waitFor({ timeout: 30_000 });
  await card.getByRole('button', { name: `Unpause ${id}`, exact: true }).click();
  await card.getByRole('button', { name: `Pause ${id}`, exact: true }).waitFor();
  await expect(card.textContent()).resolves.toMatch(/active/);
  await card.getByRole('button', { name: `Delete ${id}` }).click();
  await card.waitFor({ state: 'detached' });
  await page.close();
});

test('the cache page shows the stages with their hit rate and removes a stage', async () => {
  const page = await stack.openPage('/cache');
  const tts = page.locator('tr[data-stage="tts"] td');
  await tts.first().waitFor();
  expect(Number(await tts.nth(0).textContent())).toBeGreaterThan(0); // the batch above spoke its scenes
  await page.screenshot({ path: join(SCREENSHOTS, 'cache.png'), fullPage: true });
  expect(await axe(page)).toEqual([]);
  await page.getByRole('button', { name: 'Remove Speech entries' }).click();
  await page.getByRole('status').filter({ hasText: /^Speech: \d+ entr(y|ies) removed\.$/ }).waitFor();
  await page.locator('tr[data-stage="tts"] td:first-of-type', { hasText: /^0$/ }).waitFor();
  await page.getByRole('button', { name: 'Clean up expired entries' }).click();
  await page.getByRole('status').filter({ hasText: /^Clean-up: \d+ expired/ }).waitFor();
  await page.close();
});

test('the system page shows health, Temporal and the worker task queues; fine on a phone', async () => {
  const page = await stack.openPage('/system', { width: 390, height: 844 });
  await page.locator('tr[data-queue]').first().waitFor();
  await expect(page.getByText('reachable', { exact: true }).count()).resolves.toBe(1);
  const pollers = await page.locator('tr[data-queue] td:nth-of-type(2)').allTextContents();
  expect(pollers.some((p) => Number(p) > 0)).toBe(true); // this stack's worker polls its queues
  await expect(page.getByRole('link', { name: 'Open the Temporal UI' }).getAttribute('href')).resolves.toMatch(/\/namespaces\/default\/workflows$/);
  await page.screenshot({ path: join(SCREENSHOTS, 'system-phone.png'), fullPage: true });
  expect(await axe(page)).toEqual([]);
  await page.close();
  expect(stack.consoleErrors).toEqual([]);
});
