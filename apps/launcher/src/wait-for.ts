import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `probe` until it returns true or `timeoutMs` passes. Services on a busy two-core machine can
 * take tens of seconds to come up, so callers give generous budgets rather than fixed sleeps.
 */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = err;
    }
    await sleep(intervalMs);
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`${what} was not ready after ${Math.round(timeoutMs / 1000)}s${reason}`);
}
