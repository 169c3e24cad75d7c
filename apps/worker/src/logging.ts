import type { LoggerService } from '@nestjs/common';
import { DefaultLogger, type LogLevel, Runtime, type RuntimeOptions } from '@temporalio/worker';
import type { VidflowConfig } from '@vidflow/config';
import pino, { type Logger } from 'pino';

/** One JSON logger for the worker process: Nest's messages and the Temporal SDK's, with workflow ids. */
export function createWorkerLogger(config: VidflowConfig): Logger {
  return pino({ level: config.log.level, base: { process: 'vidflow-worker', pid: process.pid } });
}

/** Where the Temporal SDK serves its own Prometheus metrics; port 0 turns them off. */
export interface TemporalMetricsOptions {
  host: string;
  port: number;
}

/**
 * Routes the Temporal SDK's logs (worker state, activity failures with workflowId/activityId) to pino,
 * and turns on the SDK's Prometheus exporter (temporal_* metrics of workers, pollers and the connection)
 * at `metrics.host:metrics.port`/metrics. A taken port is not fatal: like WORKER_HTTP_PORT, a second worker
 * on the same machine with the defaults warns and runs without it.
 */
export function installTemporalLogging(
  logger: Logger,
  metrics: TemporalMetricsOptions = { host: '127.0.0.1', port: 0 },
  install: (options: RuntimeOptions) => void = (options) => void Runtime.install(options),
): void {
  const level = (logger.levelVal >= 50 ? 'ERROR' : logger.levelVal >= 40 ? 'WARN' : logger.levelVal >= 30 ? 'INFO' : 'DEBUG') as LogLevel;
  const options: RuntimeOptions = {
    logger: new DefaultLogger(level, (entry) => {
      const fn = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' }[entry.level] as 'info';
      logger[fn]({ sdk: 'temporal', ...entry.meta }, entry.message);
    }),
  };
  if (metrics.port === 0) return install(options);
  const bindAddress = `${metrics.host.includes(':') ? `[${metrics.host}]` : metrics.host}:${metrics.port}`;
  try {
    // The exporter binds synchronously inside Runtime.install, which throws if the address is taken.
    install({ ...options, telemetryOptions: { metrics: { prometheus: { bindAddress } } } });
    logger.info({ sdk: 'temporal' }, `Temporal SDK metrics on http://${bindAddress}/metrics`);
  } catch (err) {
    if (!/address already in use/i.test((err as Error).message)) throw err;
    logger.warn(
      { sdk: 'temporal' },
      `port ${metrics.port} on ${metrics.host} is already in use (another vidflow worker on this machine?): ` +
        'this worker runs on without the Temporal SDK metrics; set WORKER_TEMPORAL_METRICS_PORT to a free port, or 0 to turn them off',
    );
    install(options);
  }
}

/** Nest's LoggerService over pino, so framework messages come out as the same JSON lines. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
