import type { INestApplication } from '@nestjs/common';
import type { BrowserContext, Page } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@vidflow/config';
import { createApp } from '../../apps/api/src/create-app';
import { TemporalWorkerService } from '../../apps/worker/src/temporal-worker.service';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { testEnv } from '../support/test-stack';
import { launchChromium, SCREENSHOTS } from './chromium';

/**
 * The Studio in a real browser (Debian's chromium through playwright-core) against the real stack: the API
 * serving the built Studio on a port, a worker, the test Temporal server. Console errors of every page opened
 * are collected; a suite checks they stay empty.
 */
export interface StudioStack {
  base: string;
  browser: BrowserContext;
  consoleErrors: string[];
  openPage(path: string, viewport?: { width: number; height: number }, o?: { expectStatus?: number[] }): Promise<Page>;
  close(): Promise<void>;
}

export async function startStudioStack(env: NodeJS.ProcessEnv = {}): Promise<StudioStack> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const config = loadConfig(testEnv({ WORKER_HTTP_PORT: '0', ...env }));
  const workerCtx = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
  const worker = workerCtx.get(TemporalWorkerService);
  const running = worker.run();
  const app: INestApplication = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const browser = await launchChromium();
  const consoleErrors: string[] = [];
  return {
    base,
    browser,
    consoleErrors,
    async openPage(path, viewport = { width: 1280, height: 900 }, o = {}) {
      const page = await browser.newPage();
      await page.setViewportSize(viewport);
      page.on('console', (m) => {
        // Chromium logs every 4xx fetch; a page that is meant to get one (a refused form, a wrong key) is not an error.
        const expected = (o.expectStatus ?? []).some((s) => m.text().includes(`status of ${s}`)) || otherStacksThumbnail(m.text(), m.location().url);
        if (m.type() === 'error' && !expected) consoleErrors.push(`${path}: ${m.text()}`);
      });
      page.on('pageerror', (e) => consoleErrors.push(`${path}: ${e.message}`));
      await page.goto(`${base}${path}`);
      return page;
    },
    async close() {
      await browser.close();
      await app.close();
      worker.shutdownWorkers();
      await running;
      await workerCtx.close();
    },
  };
}

/**
 * The test files share one Temporal namespace but each has its own DATA_DIR, so the library lists other files'
 * videos, whose poster frames this stack's API cannot find (404, as for a video made before posters).
 */
function otherStacksThumbnail(text: string, url: string): boolean {
  return text.includes('status of 404') && /\/api\/videos\/[^/]+\/thumbnail$/.test(url);
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function axe(page: Page): Promise<Array<{ id: string; impact: string; nodes: string[] }>> {
  // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') rightly refuses an inline <script>.
  await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const result = await page.evaluate<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }>('axe.run()');
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(({ id, impact, nodes }) => ({ id, impact, nodes: nodes.map((n) => n.target.join(' ')) }));
}
