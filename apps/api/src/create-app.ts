import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { VidflowConfig } from '@vidflow/config';
import { VideoRequestSchema } from '@vidflow/contracts';
import { mkdirSync } from 'node:fs';
import { z } from 'zod';
import { AppModule } from './app.module';
import { apiKeyMiddleware } from './common/api-key.middleware';
import { jsonBodyParser } from './common/body-parser';
import { rateLimitMiddleware } from './common/rate-limit.middleware';
import { requestIdMiddleware } from './common/request-id.middleware';
import { ApiMetrics } from './metrics/api-metrics';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { StudioAssets } from './studio/studio-assets';
import { studioDistDir } from './studio/studio-dir';
import { studioStaticMiddleware } from './studio/studio-static.middleware';

/** Builds the HTTP app (used by main.ts and by the tests, which do not listen on a port). */
export async function createApp(config: VidflowConfig, options: { logger?: false } = {}): Promise<NestExpressApplication> {
  mkdirSync(config.dataDir, { recursive: true });
  const silent = options.logger === false;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, { silent }), {
    bodyParser: false,
    bufferLogs: !silent,
    ...(silent ? { logger: false } : {}),
  });
  if (!silent) app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // First, so that answers given before routing (401, 413, 429) are counted and timed too.
  app.use(httpMetricsMiddleware(app.get(ApiMetrics)));
  app.use(requestIdMiddleware);
  // The Studio's files are public (the app asks for the key itself), so they are served before auth.
  const studioDir = studioDistDir();
  app.use(studioStaticMiddleware(studioDir ? new StudioAssets(studioDir) : undefined));
  app.use(apiKeyMiddleware(config.auth.apiKeys));
  app.use(rateLimitMiddleware(config.rateLimit));
  app.use(...jsonBodyParser());
  app.enableShutdownHooks();
  setupOpenApi(app);
  return app;
}

function setupOpenApi(app: NestExpressApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('vidflow')
      .setDescription('Durable AI video production: script, speech and render as Temporal workflows. Contract: API.md.')
      .setVersion('1')
      .build(),
  );
  // The request body schema is generated from the same zod schema that validates it.
  const schema = z.toJSONSchema(VideoRequestSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete schema.$schema;
  document.components = { ...document.components, schemas: { ...document.components?.schemas, VideoRequest: schema as never } };
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
