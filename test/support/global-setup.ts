import { spawn } from 'node:child_process';
import { mkdtempSync, openSync } from 'node:fs';
import { freePort } from './free-port';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDevServerArgs, waitForTemporal } from '../../apps/launcher/src/temporal-dev-server';
import { findTemporalBinary } from '../../apps/launcher/src/temporal-binary';

/**
 * Starts one Temporal dev server for the whole e2e run (in memory, headless, on a free port) and
 * waits for it with our own, longer readiness wait: the SDK's ephemeral server gives up after 5 s,
 * which a cold server on a busy two-core machine does not always meet.
 */
export default async function globalSetup(): Promise<void> {
  const bin = findTemporalBinary(process.env.TEMPORAL_BIN);
  if (!bin) throw new Error('no Temporal CLI: run `bash scripts/setup.sh` first (npm test does)');
  const port = await freePort();
  // The server's warnings (dial errors while it shuts down, ...) go to a file, not the test report.
  const log = openSync(join(tmpdir(), 'vidflow-e2e-temporal.log'), 'w');
  const child = spawn(bin, buildDevServerArgs({ port }), { stdio: ['ignore', log, log] });
  const address = `127.0.0.1:${port}`;
  (globalThis as { __temporal?: typeof child }).__temporal = child;
  await waitForTemporal(address, 120_000);
  process.env.TEMPORAL_TEST_ADDRESS = address;
  process.env.TEMPORAL_TEST_BIN = bin;
  process.env.VIDFLOW_TEST_ROOT = mkdtempSync(join(tmpdir(), 'vidflow-e2e-'));
}
