import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import OpenAI from 'openai';

export interface OpenAiClientOptions {
  /** Without a key (a local OpenAI-compatible server), a placeholder is sent: the SDK insists on one. */
  apiKey?: string;
  /** Undefined means https://api.openai.com/v1. */
  baseUrl?: string;
  timeoutMs: number;
  maxConnections: number;
}

export interface OpenAiClient {
  readonly client: OpenAI;
  /** Closes the pooled connections (idle ones would otherwise linger until the server drops them). */
  close(): void;
}

/** Sent as the bearer token when no key is configured; Ollama, vLLM and LM Studio ignore it. */
const NO_KEY = 'no-key';

/**
 * The one OpenAI client of a worker process: pooled keep-alive connections (at most
 * `maxConnections`, further requests wait for a free one), a per-request timeout, and no retries of
 * its own. Temporal owns retries: with the SDK's default of 2 retries, every activity attempt could
 * become three requests, hidden from the workflow history and ignoring `Retry-After` budgets.
 *
 * openai v6 has no `httpAgent` option (removed in v5) and talks to `fetch`; Node's built-in fetch
 * cannot take an `http.Agent`, and its undici dispatcher is not importable without the undici
 * package. So the client gets a small `fetch` over node:http(s) that uses the agents below.
 */
export function createOpenAiClient(options: OpenAiClientOptions): OpenAiClient {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxConnections,
    maxTotalSockets: options.maxConnections,
    maxFreeSockets: options.maxConnections,
    // Below the usual 60 s+ idle timeout of servers and load balancers, so a pooled socket is
    // dropped by us before the server closes it under a new request (ECONNRESET on reuse).
    timeout: 30_000,
  };
  const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };
  const client = new OpenAI({
    apiKey: options.apiKey ?? NO_KEY,
    baseURL: options.baseUrl ?? 'https://api.openai.com/v1',
    // Passed explicitly so the SDK does not read these from process.env (libs/config is the only reader).
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    logLevel: 'warn',
    timeout: options.timeoutMs,
    maxRetries: 0,
    fetch: createAgentFetch(agents),
  });
  return {
    client,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/**
 * A `fetch` for the OpenAI SDK over node:http(s) with the given keep-alive agents. It implements what
 * the SDK uses: method, headers, a buffered request body, the abort signal (the SDK's timeout), and a
 * streamed response body.
 */
export function createAgentFetch(agents: { http: HttpAgent; https: HttpsAgent }) {
  return async function agentFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    // The standard Request normalises every body and header form the SDK may pass (string, bytes,
    // FormData with its multipart boundary, streams).
    const req = new Request(input, init);
    const body = req.body ? Buffer.from(await req.arrayBuffer()) : undefined;
    const url = new URL(req.url);
    const headers: Record<string, string> = Object.fromEntries(req.headers);
    if (body) headers['content-length'] = String(body.length);
    const https = url.protocol === 'https:';
    if (!https && url.protocol !== 'http:') throw new TypeError(`unsupported protocol in ${url.origin}`);
    const send = https ? httpsRequest : httpRequest;
    return new Promise<Response>((resolve, reject) => {
      const outgoing = send(
        url,
        { method: req.method, headers, agent: https ? agents.https : agents.http, signal: init?.signal ?? undefined },
        (res) => resolve(toResponse(res)),
      );
      // An abort (the SDK's timeout) rejects with Node's AbortError, which the SDK reports as a timeout.
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  };
}

function toResponse(res: IncomingMessage): Response {
  const headers = new Headers();
  for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
  const status = res.statusCode ?? 502;
  const empty = status === 204 || status === 304;
  if (empty) res.resume();
  const body = empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
  return new Response(body, { status, statusText: res.statusMessage, headers });
}
