/**
 * `npm run bench:studio`: the Studio's first load as Lighthouse 12 sees it, against the production build
 * (`npm run build`) served by the API's own Studio middleware (precompressed brotli, immutable assets) on
 * 127.0.0.1:7781 (the studio helper's port range). For each page: the bytes of JS and CSS transferred (compressed,
 * what the 100 KB budget is about) and the performance, accessibility and best-practices scores, Lighthouse's
 * default mobile emulation (slow 4G, 4x CPU slowdown), median of BENCH_RUNS runs (default 3).
 * Pages that need no API answer to render: / (Create) and /batches.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { machineLine, writeSection } from './bench-report';

const ROOT = resolve(__dirname, '..', '..');
const PORT = 7781;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PAGES = ['/', '/batches'];
const BUDGET_BYTES = 100 * 1024;
const CHROME = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface Run {
  jsCss: number;
  requests: number;
  performance: number;
  accessibility: number;
  bestPractices: number;
  fcpMs: number;
}

async function serve(): Promise<Server> {
  // The API's middleware from its build, so the bytes measured are the bytes the API sends.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const express = require('express') as typeof import('express');
  const { studioStaticMiddleware } = require(join(ROOT, 'apps/api/dist/studio/studio-static.middleware')) as { studioStaticMiddleware: (a: unknown) => import('express').RequestHandler };
  const { StudioAssets } = require(join(ROOT, 'apps/api/dist/studio/studio-assets')) as { StudioAssets: new (dir: string) => unknown };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const app = express();
  app.use(studioStaticMiddleware(new StudioAssets(join(ROOT, 'apps/studio/dist'))));
  app.use((_req, res) => void res.status(404).end());
  return new Promise((r) => {
    const server = app.listen(PORT, '127.0.0.1', () => r(server));
  });
}

/** Asynchronously: the server answering Lighthouse's chromium runs in this process's event loop. */
async function lighthouse(url: string, out: string): Promise<Run> {
  await promisify(execFile)(join(ROOT, 'node_modules/.bin/lighthouse'), [
    url, '--quiet', '--output=json', `--output-path=${out}`, '--only-categories=performance,accessibility,best-practices',
    '--chrome-flags=--headless --no-sandbox --disable-gpu', '--disable-full-page-screenshot',
  ], { env: { ...process.env, CHROME_PATH: CHROME }, maxBuffer: 64 * 1024 * 1024 });
  const report = JSON.parse(readFileSync(out, 'utf8')) as {
    categories: Record<string, { score: number }>;
    audits: Record<string, { numericValue?: number; details?: { items?: Array<{ resourceType?: string; transferSize?: number }> } }>;
  };
  const items = report.audits['network-requests']?.details?.items ?? [];
  const assets = items.filter((i) => i.resourceType === 'Script' || i.resourceType === 'Stylesheet');
  return {
    jsCss: assets.reduce((sum, i) => sum + (i.transferSize ?? 0), 0),
    requests: assets.length,
    performance: report.categories.performance!.score * 100,
    accessibility: report.categories.accessibility!.score * 100,
    bestPractices: report.categories['best-practices']!.score * 100,
    fcpMs: report.audits['first-contentful-paint']?.numericValue ?? NaN,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const server = await serve();
  const dir = mkdtempSync(join(tmpdir(), 'vidflow-lighthouse-'));
  const rows: string[] = [];
  try {
    for (const page of PAGES) {
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await lighthouse(`http://127.0.0.1:${PORT}${page}`, join(dir, `run-${i}.json`)));
      const m = (k: keyof Run) => median(runs.map((r) => r[k]));
      const line = `| \`${page}\` | ${(m('jsCss') / 1024).toFixed(1)} KB in ${m('requests')} files | ${m('jsCss') <= BUDGET_BYTES ? 'within' : 'OVER'} 100 KB | ${m('performance')} | ${m('accessibility')} | ${m('bestPractices')} | ${Math.round(m('fcpMs'))} ms |`;
      console.log(line);
      rows.push(line);
    }
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  writeSection('studio', [
    '## Studio first load (`npm run bench:studio`)',
    '',
    `Lighthouse 12.2.3, mobile emulation (its defaults: slow 4G, 4x CPU slowdown), Debian chromium, the production build served by the API's Studio middleware; median of ${RUNS} runs per page; ${new Date().toISOString().slice(0, 10)}, ${machineLine()}. JS+CSS is the compressed bytes transferred (brotli).`,
    '',
    '| page | JS+CSS transferred | budget | performance | accessibility | best practices | first contentful paint |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n'));
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
