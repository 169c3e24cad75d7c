import { axe, startStudioStack, type StudioStack } from './studio-stack';

// A server with API_KEYS: the Studio asks for a key, refuses a wrong one, and keeps a right one for the tab.
let stack: StudioStack;
beforeAll(async () => {
  stack = await startStudioStack({ API_KEYS: 'studio-right-key' });
});
afterAll(() => stack?.close());

test('the key prompt refuses a wrong key and lets the right one in', async () => {
  const page = await stack.openPage('/library', undefined, { expectStatus: [401] });
  const key = page.getByLabel('Key', { exact: true });
  await key.waitFor();
  expect(await axe(page)).toEqual([]);
  await key.fill('wrong-key');
  await page.getByRole('button', { name: 'Use key' }).click();
  await page.getByRole('alert').filter({ hasText: 'That key was refused.' }).waitFor();
  await expect(page.evaluate<string | null>(`sessionStorage.getItem('vidflow.apiKey')`)).resolves.toBeNull();

  await key.fill('studio-right-key');
  await page.getByRole('button', { name: 'Use key' }).click();
  await page.getByRole('heading', { name: 'Videos' }).waitFor();
  await expect(page.evaluate<string | null>(`sessionStorage.getItem('vidflow.apiKey')`)).resolves.toBe('studio-right-key');
  // Listed (or none yet): the API answered the library's call with the key.
  await page.locator('.library li, p:text-is("No videos yet.")').first().waitFor();
  await expect(page.locator('.error').count()).resolves.toBe(0);

  // Thumbnails and the player with a key: an <img> or <video> cannot send the header, so the Studio fetches the
  // file with it and shows a blob: URL; the key never goes into a URL.
  const auth = { Authorization: 'Bearer studio-right-key', 'Content-Type': 'application/json' };
  const created = (await (await fetch(`${stack.base}/api/videos`, { method: 'POST', headers: auth, body: JSON.stringify({ script: 'Keys open doors.', render: { height: 240 } }) })).json()) as { id: string };
  expect((await fetch(`${stack.base}/api/videos/${created.id}/thumbnail`)).status).toBe(401);
  const deadline = Date.now() + 150_000;
  let status = '';
  while (status !== 'completed' && Date.now() < deadline) {
    status = ((await (await fetch(`${stack.base}/api/videos/${created.id}`, { headers: auth })).json()) as { status: string }).status;
    if (status === 'failed') throw new Error(`video ${created.id} failed`);
    await new Promise((r) => setTimeout(r, 500));
  }
  await page.reload(); // the key stays for the tab (sessionStorage)
  const thumb = page.locator('.library li img.thumb').first();
  await thumb.waitFor();
  await expect(thumb.getAttribute('src')).resolves.toMatch(/^blob:/);
  await page.locator(`a[href="/videos/${created.id}"]`).click();
  await page.locator('video[src^="blob:"]').waitFor();
  await expect(page.locator('video').getAttribute('poster')).resolves.toMatch(/^blob:/);
  await page.close();
  expect(stack.consoleErrors).toEqual([]);
});
