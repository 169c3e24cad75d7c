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
  await page.close();
  expect(stack.consoleErrors).toEqual([]);
});
