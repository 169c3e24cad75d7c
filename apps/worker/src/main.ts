import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@vidflow/config';
import { startTracing } from '@vidflow/tracing';
import { lowerOwnPriority } from '@vidflow/media';
import { mkdirSync } from 'node:fs';
import { createWorkerLogger, installTemporalLogging, PinoNestLogger } from './logging';
import { TemporalWorkerService } from './temporal-worker.service';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  process.title = 'vidflow-worker';
  const config = loadConfig();
  // First, before Temporal's native runtime starts its threads (they inherit the value): the worker's own CPU work
  // yields to the API and Temporal on a shared machine (README "CPU priority of the encoders").
  const nice = lowerOwnPriority(config.worker.nice);
  // Before anything else, so that every span has a provider; undefined (nothing started) unless an OTLP endpoint is set.
  const tracing = await startTracing(config.tracing, 'vidflow-worker');
  mkdirSync(config.dataDir, { recursive: true });
  const logger = createWorkerLogger(config);
  logger.info({ nice, childNice: config.childNice }, `worker at nice ${nice}, its encoders and speech engines at ${Math.max(nice, config.childNice)}`);
  installTemporalLogging(logger, { host: config.worker.http.host, port: config.worker.temporalMetricsPort });
  // An application context: dependency injection without an HTTP server.
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, { tracing }), { logger: new PinoNestLogger(logger) });
  try {
    await app.get(TemporalWorkerService).run();
  } finally {
    await app.close();
    // The spans of the last activities and workflow tasks are still in the batch.
    await tracing?.shutdown();
  }
}

main().catch((err: unknown) => {
  new Logger('vidflow-worker').error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
