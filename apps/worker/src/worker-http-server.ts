import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** What /health/ready reports: `ready` decides 200 or 503; the rest is shown to the operator. */
export interface ReadinessReport {
  ready: boolean;
  [detail: string]: unknown;
}

export interface WorkerHttpServerOptions {
  host: string;
  port: number;
  /** The Prometheus text exposition of the worker's metrics. */
  metrics: () => Promise<string>;
  metricsContentType: string;
  readiness: () => Promise<ReadinessReport>;
  /** Told when the server could not start but the worker should go on without it. */
  warn: (message: string) => void;
}

/**
 * The worker's health and metrics endpoints on a bare node:http server (the worker is a Nest
 * application context, no HTTP framework): GET /health/live, /health/ready and /metrics.
 *
 * Resolves undefined, after a warning, when the port is taken: the likely cause is a second worker
 * started on the same machine with the default port, and that worker is still useful without it.
 */
export async function startWorkerHttpServer(options: WorkerHttpServerOptions): Promise<Server | undefined> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { status: 'error', message: (err as Error).message });
      else res.destroy();
    });
  });
  return new Promise<Server | undefined>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        options.warn(
          `port ${options.port} on ${options.host} is already in use (another vidflow worker on this machine?): ` +
            'this worker runs on without its health and metrics endpoints; set WORKER_HTTP_PORT to a free port, or 0 to turn them off',
        );
        resolve(undefined);
      } else {
        reject(new Error(`cannot serve health and metrics on ${options.host}:${options.port} (WORKER_HTTP_HOST / WORKER_HTTP_PORT): ${err.message}`));
      }
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      server.on('error', (err) => options.warn(`health and metrics server: ${err.message}`));
      resolve(server);
    });
  });
}

/** Stops accepting connections and drops idle keep-alive ones, so that shutdown is not held up by a scraper. */
export async function stopWorkerHttpServer(server: Server | undefined): Promise<void> {
  if (!server?.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

async function handle(options: WorkerHttpServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://worker').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendJson(res, 405, { status: 'error', message: `${req.method} is not allowed; use GET` });
  }
  switch (path) {
    case '/health/live':
      return sendJson(res, 200, { status: 'ok' });
    case '/health/ready': {
      let report: ReadinessReport;
      try {
        report = await options.readiness();
      } catch (err) {
        report = { ready: false, message: (err as Error).message };
      }
      const { ready, ...details } = report;
      return sendJson(res, ready ? 200 : 503, { status: ready ? 'ok' : 'error', ...details });
    }
    case '/metrics': {
      const body = await options.metrics();
      res.writeHead(200, { 'Content-Type': options.metricsContentType, 'Cache-Control': 'no-store' });
      res.end(body);
      return;
    }
    default:
      return sendJson(res, 404, { status: 'error', message: `no route ${path}: try /health/live, /health/ready or /metrics` });
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}
