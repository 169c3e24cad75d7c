import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { SCREENSHOTS } from './chromium';
import { axe, startStudioStack, type StudioStack } from './studio-stack';

/** Debian's pocketsphinx-testdata: LibriVox recordings of read English. */
const LIBRIVOX = '/usr/share/pocketsphinx/test/data/librivox';

// Transcriptions in the Studio: the browser uploads with tus-js-client, the real worker transcribes (pocketsphinx).
let stack: StudioStack;
let recording: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(process.env.VIDFLOW_TEST_ROOT!, 'studio-trn-'));
  const audio = join(dir, 'reading.wav');
  // A video (WebM, which chromium plays) with that speech, so the subtitles can be burned in.
  recording = join(dir, 'reading.webm');
  // Two recordings with a second of silence between them (about 1 MB): more than one 10 s chunk.
  const files = ['0870', '0890'].map((n) => join(LIBRIVOX, `sense_and_sensibility_01_austen_64kb-${n}.wav`));
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...files.flatMap((f) => ['-i', f]), '-filter_complex', '[0:a]apad=pad_dur=1[a0];[1:a]apad=pad_dur=1[a1];[a0][a1]concat=n=2:v=0:a=1[a]', '-map', '[a]', '-ar', '44100', audio]);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=0x204060:s=320x240:r=10', '-i', audio, '-shortest', '-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '200k', '-c:a', 'libopus', recording]);
  stack = await startStudioStack({ WORKER_TUNER: 'fixed' });
});
afterAll(() => stack?.close());

test('upload a recording, follow its chunks, read the transcript, click a line to seek, download each format', async () => {
  const page = await stack.openPage('/transcriptions');
  // Nothing chosen: refused in the form, naming the field.
  await page.getByRole('button', { name: 'Upload and transcribe' }).click();
  await page.locator('#tr-file-error').filter({ hasText: 'choose an audio or video file' }).waitFor();

  await page.getByLabel('Audio or video file').setInputFiles(recording);
  await page.getByLabel('Longest chunk in seconds (empty: server default)').fill('10');
  await page.screenshot({ path: join(SCREENSHOTS, 'transcriptions.png'), fullPage: true });
  expect(await axe(page)).toEqual([]);
  await page.getByRole('button', { name: 'Upload and transcribe' }).click();
  await page.waitForURL(/\/transcriptions\/trn-/);
  await page.locator('h1 + p .badge', { hasText: /^(completed|failed|cancelled)$/ }).waitFor({ timeout: 180_000 });
  await page.screenshot({ path: join(SCREENSHOTS, 'transcript.png'), fullPage: true });
  await expect(page.locator('h1 + p').textContent()).resolves.toMatch(/^completed/);
  const id = page.url().split('/').pop()!;

  const [done, total] = (await page.locator('[data-chunks]').textContent())!.split('/').map(Number);
  expect(total).toBeGreaterThan(1);
  expect(done).toBe(total);
  await expect(page.locator('.chunks li.done').count()).resolves.toBe(total);

  const lines = page.locator('.transcript .line');
  // On a timeout, say what the page shows instead (an error from the transcript's download, say).
  await lines.first().waitFor().catch(async (err: unknown) => {
    throw new Error(`no transcript lines; the page says: ${await page.locator('body').innerText()}`, { cause: err });
  });
  expect(await lines.count()).toBeGreaterThan(1);
  const status = (await (await fetch(`${stack.base}/api/transcriptions/${id}`)).json()) as { result: { files: Record<string, string> } };
  const transcript = (await (await fetch(`${stack.base}${status.result.files.json}`)).json()) as { segments: Array<{ start: number; text: string }> };
  const last = transcript.segments.length - 1;
  await expect(lines.nth(last).textContent()).resolves.toContain(transcript.segments[last]!.text.trim().split(/\s+/)[0]);
  await lines.nth(last).click();
  const position = await page.locator('video.player').evaluate((v) => (v as unknown as { currentTime: number }).currentTime);
  expect(Math.abs(position - transcript.segments[last]!.start)).toBeLessThan(0.5);
  await expect(page.locator('.transcript li').nth(last).getAttribute('aria-current')).resolves.toBe('true');

  for (const [name, format] of [['SRT subtitles', 'srt'], ['WebVTT subtitles', 'vtt'], ['JSON transcript', 'json'], ['Plain text', 'txt']]) {
    const href = await page.getByRole('link', { name }).getAttribute('href');
    expect(href).toBe(`/api/transcriptions/${id}/subtitles.${format}`);
    expect((await fetch(`${stack.base}${href}`)).status).toBe(200);
  }
  await page.screenshot({ path: join(SCREENSHOTS, 'transcript.png'), fullPage: true });
  expect(await axe(page)).toEqual([]);

  // Burn-in: the same upload again with the subtitles burned in (chunks come from the cache), then its MP4 link.
  await page.getByRole('button', { name: 'Burn in the subtitles' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/transcriptions/') && !url.pathname.endsWith(id));
  await page.locator('h1 + p .badge', { hasText: /^completed$/ }).waitFor({ timeout: 180_000 });
  await page.getByRole('link', { name: 'MP4 with subtitles burned in' }).waitFor();
  await page.close();
  expect(stack.consoleErrors).toEqual([]);
}, 420_000);
