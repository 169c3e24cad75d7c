import { type AddressClass, classifyAddress, privateCallbackProblem, redactUrl, type WebhookAttemptResult } from '@vidflow/contracts';
import { promises as dns } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { guardedLookup, type ResolvedAddress } from '../media-download/download-media';
import { webhookHeaders } from './sign-webhook';

/** The worker's webhook settings (config.webhooks). */
export interface WebhookSettings {
  readonly secrets: readonly string[];
  timeoutSeconds: number;
  allowPrivate: boolean;
  retryHours: number;
}

export interface SendWebhookOptions extends WebhookSettings {
  url: string;
  messageId: string;
  body: string;
  /** The attempt's time (seconds since the epoch) for `webhook-timestamp`; now by default. */
  timestamp?: number;
  /** Name resolution; `dns.lookup` by default. */
  resolveHost?: (hostname: string) => Promise<ResolvedAddress[]>;
  /** Address classification; `classifyAddress` by default. */
  classify?: (address: string) => AddressClass | undefined;
}

/** Statuses after which the spec expects a retry although they are 4xx: timeout, conflict, rate limit. */
const RETRYABLE_4XX = new Set([408, 409, 429]);
/** Bytes of a receiver's answer kept for the error message. */
const ANSWER_EXCERPT = 200;

/**
 * One delivery attempt: a POST of `body`, signed, to `url`. Never throws: says whether it was delivered, is worth
 * another attempt (5xx, 408/409/429 with their Retry-After, network errors, timeouts) or never will be (other
 * 4xx, redirects, which are not followed, a refused address, a host that does not exist).
 * The address check runs inside the socket's lookup, so the address judged is the address connected to.
 */
export async function sendWebhook(o: SendWebhookOptions): Promise<WebhookAttemptResult> {
  const classify = o.classify ?? classifyAddress;
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    return { outcome: 'stop', error: 'callbackUrl is not a valid URL' };
  }
  let refused: string | undefined;
  const check = (host: string, addresses: string[]) => {
    if (o.allowPrivate) return;
    for (const address of addresses) {
      const c = classify(address);
      if (c !== 'public') {
        refused = `${address === host ? '' : `${host} resolves to ${address}; `}${privateCallbackProblem(address, c ?? 'reserved')}`;
        throw new Error(refused);
      }
    }
  };
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  try {
    // Node connects to an IP literal without calling `lookup`, so those are checked here.
    if (classifyAddress(host) !== undefined) check(host, [host]);
  } catch {
    return { outcome: 'stop', error: refused! };
  }
  const headers = webhookHeaders({ secrets: o.secrets, messageId: o.messageId, timestamp: o.timestamp ?? Math.floor(Date.now() / 1000), body: o.body });
  return new Promise<WebhookAttemptResult>((resolve) => {
    const client = url.protocol === 'https:' ? https : http;
    const timer = setTimeout(() => {
      req.destroy(Object.assign(new Error(`no answer within ${o.timeoutSeconds} s`), { code: 'ETIMEDOUT' }));
    }, o.timeoutSeconds * 1000);
    const req = client.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(o.body)) },
      // A fresh connection per attempt, checked again: DNS may have changed since the last one.
      agent: false,
      lookup: guardedLookup(o.resolveHost ?? systemResolve, check),
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        if (kept < ANSWER_EXCERPT) chunks.push(chunk);
        kept += chunk.length;
      });
      const finish = () => {
        clearTimeout(timer);
        resolve(judge(res, Buffer.concat(chunks).toString('utf8').slice(0, ANSWER_EXCERPT)));
      };
      res.on('end', finish);
      res.on('error', finish);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (refused) return resolve({ outcome: 'stop', error: refused });
      const where = redactUrl(url);
      if (err.code === 'ENOTFOUND') return resolve({ outcome: 'stop', error: `${where}: host ${url.hostname} not found` });
      resolve({ outcome: 'retry', error: `${where}: ${err.code ? `${err.code}: ` : ''}${err.message}` });
    });
    req.end(o.body);
  });
}

function judge(res: http.IncomingMessage, answer: string): WebhookAttemptResult {
  const status = res.statusCode ?? 0;
  const error = `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}${answer.trim() ? `: ${answer.trim()}` : ''}`;
  if (status >= 200 && status < 300) return { outcome: 'delivered', status };
  if (status >= 300 && status < 400) {
    return { outcome: 'stop', error: `${error} (redirects are not followed; point callbackUrl at ${res.headers.location ?? 'the final address'})` };
  }
  if (status >= 500 || RETRYABLE_4XX.has(status)) {
    const retryAfterSeconds = parseRetryAfter(res.headers['retry-after']);
    return { outcome: 'retry', error, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
  }
  return { outcome: 'stop', error };
}

/** `Retry-After` as seconds: a number of seconds or an HTTP date (RFC 9110 10.2.3). */
export function parseRetryAfter(value: string | undefined, nowMs = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

async function systemResolve(hostname: string): Promise<ResolvedAddress[]> {
  return dns.lookup(hostname, { all: true, verbatim: true });
}
