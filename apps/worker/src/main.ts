import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@vidflow/config';
import { mkdirSync } from 'node:fs';
import { createWorkerLogger, installTemporalLogging, PinoNestLogger } from './logging';
import { TemporalWorkerService } from './temporal-worker.service';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  process.title = 'vidflow-worker';
  const config = loadConfig();
  mkdirSync(config.dataDir, { recursive: true });
  const logger = createWorkerLogger(config);
  installTemporalLogging(logger, { host: config.worker.http.host, port: config.worker.temporalMetricsPort });
  // An application context: dependency injection without an HTTP server.
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: new PinoNestLogger(logger) });
  try {
    await app.get(TemporalWorkerService).run();
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  new Logger('vidflow-worker').error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
