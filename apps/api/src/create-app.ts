import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { VidflowConfig } from '@vidflow/config';
import type { Tracing } from '@vidflow/tracing';
import { mkdirSync } from 'node:fs';
import { AppModule } from './app.module';
import { setupOpenApi } from './openapi/openapi-document';
import { apiKeyMiddleware } from './common/api-key.middleware';
import { jsonBodyParser } from './common/body-parser';
import { rateLimitMiddleware } from './common/rate-limit.middleware';
import { requestIdMiddleware } from './common/request-id.middleware';
import { ApiMetrics } from './metrics/api-metrics';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { cacheDefaultMiddleware, CachePolicyInterceptor } from './http/cache-policy.interceptor';
import { compressionMiddleware } from './http/compression.middleware';
import { slowRequestMiddleware } from './http/slow-request.middleware';
import { corsMiddleware } from './http/cors.middleware';
import { StudioAssets } from './studio/studio-assets';
import { studioDistDir } from './studio/studio-dir';
import { studioStaticMiddleware } from './studio/studio-static.middleware';
import { httpTracingMiddleware } from './tracing/http-tracing.middleware';

/**
 * Builds the HTTP app (used by main.ts and by the tests, which do not listen on a port). `tracing`: the OpenTelemetry
 * SDK main.ts started (OTEL_EXPORTER_OTLP_ENDPOINT set); without it no request is traced.
 */
export async function createApp(config: VidflowConfig, options: { logger?: false; tracing?: Tracing } = {}): Promise<NestExpressApplication> {
  mkdirSync(config.dataDir, { recursive: true });
  const silent = options.logger === false;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, { silent, tracing: options.tracing }), {
    bodyParser: false,
    bufferLogs: !silent,
    ...(silent ? { logger: false } : {}),
  });
  if (!silent) app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // Before everything: the server span covers the whole answer, and the request id below is its trace id.
  if (options.tracing) app.use(httpTracingMiddleware());
  // First, so that answers given before routing (401, 413, 429) are counted and timed too.
  app.use(httpMetricsMiddleware(app.get(ApiMetrics)));
  app.use(requestIdMiddleware);
  const slowLog = new NestLogger('SlowRequest');
  app.use(slowRequestMiddleware({ thresholdMs: config.api.slowRequestMs, log: (entry) => slowLog.warn(entry) }));
  app.use(compressionMiddleware());
  app.use(cacheDefaultMiddleware);
  // Before authentication: a browser's preflight carries no Authorization header.
  app.use(corsMiddleware(config.api.corsOrigins));
  // The Studio's files are public (the app asks for the key itself), so they are served before auth.
  const studioDir = studioDistDir();
  app.use(studioStaticMiddleware(studioDir ? new StudioAssets(studioDir) : undefined));
  app.use(apiKeyMiddleware(config.auth.apiKeys));
  app.use(rateLimitMiddleware(config.rateLimit));
  app.use(...jsonBodyParser());
  app.useGlobalInterceptors(new CachePolicyInterceptor());
  app.enableShutdownHooks();
  setupOpenApi(app, config);
  return app;
}
