/**
 * The API process of `bench:api` with one change: the Temporal client's `workflow.start` resolves at
 * once instead of making the gRPC call. Everything else (middleware, validation, idempotency hashing,
 * the request log) is the production code, so the submission run against it measures what the API
 * itself can take, apart from the Temporal server behind it. Not a way to run vidflow.
 *
 *   node bench/dist/api-without-temporal.js   (with API_PORT, DATA_DIR, RATE_LIMIT_PER_SECOND=0)
 */
import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Client } from '@temporalio/client';
import { loadConfig, type VidflowConfig } from '@vidflow/config';
import { resolve } from 'node:path';

const API_DIST = resolve(__dirname, '..', '..', 'apps', 'api', 'dist');

async function main(): Promise<void> {
  const { createApp } = (await import(resolve(API_DIST, 'create-app.js'))) as {
    createApp: (config: VidflowConfig) => Promise<NestExpressApplication>;
  };
  const { TEMPORAL_CLIENT } = (await import(resolve(API_DIST, 'tokens.js'))) as { TEMPORAL_CLIENT: symbol };
  const config = loadConfig();
  const app = await createApp(config);
  const client = app.get<Client>(TEMPORAL_CLIENT);
  client.workflow.start = (async () => undefined) as unknown as Client['workflow']['start'];
  await app.listen(config.api.port, config.api.host);
  console.log(`api without Temporal listening on ${config.api.port}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
