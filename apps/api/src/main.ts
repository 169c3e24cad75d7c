import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@vidflow/config';
import { startTracing } from '@vidflow/tracing';
import { createApp } from './create-app';

async function main(): Promise<void> {
  process.title = 'vidflow-api';
  const config = loadConfig();
  // Before the app, so that its first request is traced; undefined (nothing started) unless an OTLP endpoint is set.
  const tracing = await startTracing(config.tracing, 'vidflow-api');
  const app = await createApp(config, { tracing });
  try {
    await app.listen(config.api.port, config.api.host);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`port ${config.api.port} on ${config.api.host} is already in use; set API_PORT to a free port`);
    }
    throw err;
  }
  new Logger('vidflow-api').log(`listening on http://${config.api.host}:${config.api.port} (docs at /docs)`);
}

main().catch((err: unknown) => {
  new Logger('vidflow-api').error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
