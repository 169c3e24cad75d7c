#!/usr/bin/env node
import { ConfigError, loadConfig, type VidflowConfig } from '@vidflow/config';
import { runDemo } from './demo';
import { LaunchError, startStack, type Stack } from './stack';

const USAGE = 'usage: vidflow-launcher start|demo';

/**
 * `start`: the whole service on this machine (Temporal dev server, worker, API), supervised.
 * `demo`: the same, then one sample video through the REST API.
 * Both keep serving until SIGINT/SIGTERM, then stop every child and exit.
 */
async function main(): Promise<void> {
  const command = process.argv[2];
  if (command !== 'start' && command !== 'demo') {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  process.title = 'vidflow-launcher';
  const config = loadConfig();
  const log = (line: string) => console.log(line);
  const running: { stack?: Stack } = {};
  let stopping: Promise<void> | undefined;
  const stop = (signal: string) => {
    if (stopping) return;
    log(`[launcher] ${signal}: stopping`);
    stopping = (running.stack?.stop() ?? Promise.resolve()).finally(() => process.exit());
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  log(`[launcher] data in ${config.dataDir}`);
  running.stack = await startStack(config, log);
  if (stopping) return;
  printUrls(config, log);
  if (command === 'demo') {
    try {
      await runDemo(config, log);
    } catch (err) {
      log(`[demo] ${(err as Error).message}`);
      stop('demo failed');
      process.exitCode = 1;
      return;
    }
    log('[demo] still serving; press Ctrl-C to stop');
  }
}

function printUrls(config: VidflowConfig, log: (line: string) => void): void {
  log('');
  log(`  vidflow is ready`);
  log(`  API          ${config.api.publicUrl}/api/videos`);
  log(`  Studio       ${config.api.publicUrl}/`);
  log(`  OpenAPI      ${config.api.publicUrl}/docs`);
  log(`  Temporal UI  ${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows`);
  log('');
}

main().catch((err: unknown) => {
  const known = err instanceof LaunchError || err instanceof ConfigError;
  console.error(`[launcher] ${known ? (err as Error).message : err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
