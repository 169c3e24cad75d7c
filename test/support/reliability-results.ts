import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Git-ignored; RELIABILITY.md is written from a run's copy of it. */
export const RESULTS_FILE = join(__dirname, '..', '..', 'reliability-results.json');

/**
 * Records what one reliability scenario did and measured (requests, kills, retries, outcomes, memory) in
 * reliability-results.json, keyed by scenario, next to the results of the other scenarios of the run.
 */
export function recordResults(scenario: string, figures: Record<string, unknown>): void {
  const all = existsSync(RESULTS_FILE) ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Record<string, unknown>) : {};
  all[scenario] = { ...figures, recordedAt: new Date().toISOString() };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(all, null, 2)}\n`);
  process.stdout.write(`[reliability] ${scenario}: ${JSON.stringify(figures)}\n`);
}
