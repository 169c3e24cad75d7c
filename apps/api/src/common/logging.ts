import type { VidflowConfig } from '@vidflow/config';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';

/**
 * Structured JSON logs (pino): one line per request with its request id, method, route, status and
 * time, and whatever the services log (with workflow ids). Secrets never reach a log: the
 * Authorization header is not serialised at all, and config objects hide their keys.
 */
export function loggingModule(config: VidflowConfig, silent = false) {
  return LoggerModule.forRoot({
    pinoHttp: {
      level: silent ? 'silent' : config.log.level,
      genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? '',
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health') || req.url === '/metrics' },
      serializers: {
        // Only what helps and is safe: never headers (Authorization, Idempotency-Key), never bodies.
        req: (req: { id?: string; method?: string; url?: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
    },
  });
}
