import { CancelledFailure } from '@temporalio/common';
import { type AddressClass, classifyAddress, parseMediaUrl, privateAddressProblem, redactUrl } from '@vidflow/contracts';
import { randomUUID } from 'node:crypto';
import { promises as dns } from 'node:dns';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { badMedia, mediaUnavailable } from '../media-failures';

/** How media URLs are fetched: the worker's configuration (`MEDIA_*` settings). */
export interface MediaDownloadSettings {
  /** Connect to loopback, private, link-local and other non-public addresses too (MEDIA_ALLOW_PRIVATE_URLS). */
  allowPrivate: boolean;
  /** Largest body accepted, from Content-Length and while streaming (MEDIA_DOWNLOAD_MAX_BYTES). */
  maxBytes: number;
  /** The whole download of one URL, redirects included (MEDIA_DOWNLOAD_TIMEOUT_SECONDS). */
  timeoutSeconds: number;
}

/** The configuration's defaults, for deps built without one (tests, tools). */
export const DEFAULT_MEDIA_DOWNLOAD: MediaDownloadSettings = { allowPrivate: false, maxBytes: 200 * 1024 ** 2, timeoutSeconds: 60 };

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface DownloadMediaOptions extends MediaDownloadSettings {
  url: string;
  /** The request field the URL came from; every failure's message starts with it. */
  field: string;
  /** Where the file goes: the activity attempt's scratch directory (removed with it). */
  dir: string;
  /** The activity's cancellation: aborts the transfer and removes the partial file. */
  signal?: AbortSignal;
  /** Called as bytes arrive and every few seconds while waiting, with the bytes so far: the render heartbeats from it. */
  onProgress?: (bytes: number) => void;
  /** No byte (connect, headers or body) for this long fails the attempt; default 30 s, never more than `timeoutSeconds`. */
  idleTimeoutSeconds?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** Name resolution; `dns.lookup` (the system resolver, /etc/hosts included) by default. */
  resolveHost?: (hostname: string) => Promise<ResolvedAddress[]>;
  /** Address classification; `classifyAddress` by default (tests use it to treat their loopback server as public). */
  classify?: (address: string) => AddressClass | undefined;
}

export interface DownloadedMedia {
  /** The complete file, inside `dir`. */
  path: string;
  bytes: number;
  /** The URL the body came from after redirects, redacted for messages. */
  finalUrl: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Statuses that say "try again later" although they are 4xx. */
const RETRYABLE_4XX = new Set([408, 425, 429]);
/** While waiting (connect, headers, a pause in the body) progress is still reported this often: the render heartbeats from it. */
const PROGRESS_INTERVAL_MS = 5_000;
const PROGRESS_MIN_INTERVAL_MS = 1_000;
/** Kept from the URL so that ffmpeg's extension-based guesses (image2) see what the file is; anything else is dropped. */
const MEDIA_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp', 'tif', 'tiff', 'mp4', 'm4v', 'mov', 'webm', 'mkv', 'avi', 'mp3', 'm4a', 'aac', 'wav', 'ogg', 'oga', 'opus', 'flac']);

/** A problem found while downloading, with whether another attempt could succeed; turned into a Temporal failure at the end. */
class DownloadProblem extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * Downloads one http(s) media URL into `dir` for the render, safely:
 *
 * - Only http and https, no credentials in the URL, at most `maxRedirects` redirects, each hop
 *   checked again (a public URL may redirect to http://169.254.169.254/).
 * - Unless `allowPrivate`, every address the host name resolves to must be public (`classifyAddress`).
 *   The check runs inside the socket's own `lookup`, so the address checked is the address connected
 *   to: resolving first and connecting later would let a DNS answer with a zero TTL change in between
 *   (DNS rebinding). Literal IP hosts, which Node connects to without a lookup, are checked before.
 * - `maxBytes` is enforced on Content-Length and again on the bytes actually received.
 * - `timeoutSeconds` bounds the whole download; an idle socket (connect, headers or body) fails sooner.
 * - The body is streamed to a `.part` file that is renamed into place only when complete and removed
 *   on any failure or cancellation, so a half-written file is never used.
 *
 * Failures: refused URLs and addresses, 4xx, oversize, unknown hosts and TLS certificate errors are
 * non-retryable `BadMedia`; 5xx, 408/429, timeouts and dropped connections are retryable
 * `MediaUnavailable`. Messages start with `field` and show the URL without its query string.
 */
export async function downloadMedia(o: DownloadMediaOptions): Promise<DownloadedMedia> {
  const shown = JSON.stringify(redactUrl(o.url));
  const classify = o.classify ?? classifyAddress;
  const resolveHost = o.resolveHost ?? systemResolve;
  const maxRedirects = o.maxRedirects ?? 5;
  const idleMs = Math.min(o.idleTimeoutSeconds ?? 30, o.timeoutSeconds) * 1000;
  if (o.signal?.aborted) throw new CancelledFailure('media download cancelled');

  // One abort for everything in flight: the activity's cancellation or the overall deadline.
  const abort = new AbortController();
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, o.timeoutSeconds * 1000);
  const onCancel = () => abort.abort();
  o.signal?.addEventListener('abort', onCancel, { once: true });
  let received = 0;
  // Chunks arrive many times a second; heartbeats need not.
  let reportedAt = 0;
  const report = (force = false) => {
    if (!force && Date.now() - reportedAt < PROGRESS_MIN_INTERVAL_MS) return;
    reportedAt = Date.now();
    o.onProgress?.(received);
  };
  // Set where a problem is known before Node reports the transfer's end in its own words ("aborted").
  let hopProblem: DownloadProblem | undefined;
  const ticker = setInterval(() => report(true), PROGRESS_INTERVAL_MS);

  const name = `media-${randomUUID()}`;
  const partial = join(o.dir, `.${name}.part`);
  try {
    // Its shape only: the address, literal or resolved, is checked on every hop below.
    let url = parsed(o.url);
    for (let hop = 0; ; hop++) {
      report(true);
      const where = hop === 0 ? '' : `redirected to ${JSON.stringify(redactUrl(url))}: `;
      const check = (host: string, addresses: string[]) => {
        if (o.allowPrivate) return;
        for (const address of addresses) {
          const c = classify(address);
          if (c !== 'public') {
            const resolved = address === host ? '' : `${host} resolves to ${address}; `;
            hopProblem = new DownloadProblem(`${where}${resolved}${privateAddressProblem(address, c ?? 'reserved')}`, false);
            throw hopProblem;
          }
        }
      };
      const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
      // Node connects to an IP literal without calling `lookup`, so those are checked here.
      if (classifyAddress(host) !== undefined) check(host, [host]);
      const res = await request(url, {
        lookup: guardedLookup(resolveHost, check),
        idleMs,
        signal: abort.signal,
        onIdle: (problem) => (hopProblem = new DownloadProblem(`${where}${problem.message}`, true)),
      });
      const status = res.statusCode ?? 0;
      if (REDIRECTS.has(status)) {
        res.destroy();
        const location = res.headers.location;
        if (!location) throw new DownloadProblem(`${where}the server answered ${status} without a Location`, false);
        if (hop >= maxRedirects) throw new DownloadProblem(`more than ${maxRedirects} redirects`, false);
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          throw new DownloadProblem(`${where}redirected to an invalid URL`, false);
        }
        const problem = parseMediaUrl(next.href, { allowPrivate: true }).problem;
        if (problem) throw new DownloadProblem(`redirected to ${JSON.stringify(redactUrl(next))}: ${problem}`, false);
        url = next;
        continue;
      }
      if (status !== 200 && status !== 203) {
        res.destroy();
        throw statusProblem(res, where);
      }
      const declared = res.headers['content-length'] === undefined ? undefined : Number(res.headers['content-length']);
      if (declared !== undefined && declared > o.maxBytes) {
        res.destroy();
        throw new DownloadProblem(`${where}larger than MEDIA_DOWNLOAD_MAX_BYTES (${o.maxBytes} bytes): Content-Length is ${declared}`, false);
      }
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          received += chunk.length;
          if (received > o.maxBytes) return done(new DownloadProblem(`${where}larger than MEDIA_DOWNLOAD_MAX_BYTES (${o.maxBytes} bytes)`, false));
          report();
          done(null, chunk);
        },
      });
      await pipeline(res, counter, createWriteStream(partial, { flags: 'wx' }), { signal: abort.signal });
      report(true);
      if (declared !== undefined && Number.isFinite(declared) && received !== declared) {
        throw new DownloadProblem(`${where}the connection closed after ${received} of ${declared} bytes`, true);
      }
      if (received === 0) throw new DownloadProblem(`${where}the server sent an empty body`, false);
      const path = join(o.dir, `${name}${mediaExtension(url)}`);
      await rename(partial, path);
      return { path, bytes: received, finalUrl: redactUrl(url) };
    }
  } catch (err) {
    await rm(partial, { force: true });
    if (o.signal?.aborted) throw new CancelledFailure('media download cancelled');
    if (timedOut) throw mediaUnavailable(o.field, `${shown}: the download did not finish within ${o.timeoutSeconds} s (MEDIA_DOWNLOAD_TIMEOUT_SECONDS)`);
    const problem = hopProblem ?? (err instanceof DownloadProblem ? err : undefined);
    if (problem) {
      throw problem.retryable ? mediaUnavailable(o.field, `${shown}: ${problem.message}`, problem.retryAfterMs) : badMedia(o.field, `${shown}: ${problem.message}`);
    }
    throw networkFailure(err, o.field, shown);
  } finally {
    clearTimeout(deadline);
    clearInterval(ticker);
    o.signal?.removeEventListener('abort', onCancel);
  }
}

function parsed(ref: string): URL {
  const result = parseMediaUrl(ref, { allowPrivate: true });
  if (result.problem !== undefined) throw new DownloadProblem(result.problem, false);
  return result.url;
}

async function systemResolve(hostname: string): Promise<ResolvedAddress[]> {
  return dns.lookup(hostname, { all: true, verbatim: true });
}

/**
 * A `lookup` for http.request that refuses a host when any of its addresses is refused: the socket
 * connects only to addresses returned from here. Node calls it with `all: true` when it tries the
 * addresses in turn (autoSelectFamily, the default since Node 20), else for one address.
 */
export function guardedLookup(resolveHost: (hostname: string) => Promise<ResolvedAddress[]>, check: (host: string, addresses: string[]) => void): LookupFunction {
  return (hostname, options, callback) => {
    resolveHost(hostname).then(
      (all) => {
        const family = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
        const usable = family ? all.filter((a) => a.family === family) : all;
        try {
          check(hostname, all.map((a) => a.address));
        } catch (err) {
          return callback(err as NodeJS.ErrnoException, '', 0);
        }
        if (usable.length === 0) {
          return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), '', 0);
        }
        if (options.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

/** One GET, resolving at the response headers. The idle timeout covers connecting, waiting and every pause in the body. */
function request(
  url: URL,
  o: { lookup: LookupFunction; idleMs: number; signal: AbortSignal; onIdle: (problem: DownloadProblem) => void },
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, {
      method: 'GET',
      headers: { 'user-agent': 'vidflow-media-fetch/1', accept: '*/*', 'accept-encoding': 'identity' },
      // A fresh connection per hop: no pooled socket to another host is ever reused, and none stays open.
      agent: false,
      lookup: o.lookup,
      timeout: o.idleMs,
      signal: o.signal,
    });
    req.on('timeout', () => {
      const problem = new DownloadProblem(`no data for ${o.idleMs / 1000} s`, true);
      o.onIdle(problem);
      req.destroy(problem);
    });
    req.on('response', resolve);
    req.on('error', reject);
    req.end();
  });
}

function statusProblem(res: IncomingMessage, where: string): DownloadProblem {
  const status = res.statusCode ?? 0;
  const answered = `${where}the server answered ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`;
  if (status >= 500 || RETRYABLE_4XX.has(status)) {
    const after = Number(res.headers['retry-after']);
    // Honoured up to a few minutes; longer waits are left to the retry policy's backoff.
    const retryAfterMs = Number.isInteger(after) && after >= 0 && after <= 300 ? after * 1000 : undefined;
    return new DownloadProblem(answered, true, retryAfterMs);
  }
  return new DownloadProblem(answered, false);
}

/** Socket and TLS errors: transient ones are retried; a host that does not exist or a bad certificate will not fix itself. */
function networkFailure(err: unknown, field: string, shown: string) {
  const e = err as NodeJS.ErrnoException & { hostname?: string };
  const code = e.code ?? '';
  if (code === 'ENOTFOUND') return badMedia(field, `${shown}: host ${e.hostname ?? 'name'} not found`);
  if (/CERT|TLS|SSL|SELF_SIGNED|ALTNAME/.test(code)) return badMedia(field, `${shown}: TLS: ${e.message}`);
  if (e.name === 'AbortError' || /^E[A-Z]+$/.test(code) || e.message === 'aborted' || /socket hang up|premature/i.test(e.message ?? '')) {
    return mediaUnavailable(field, `${shown}: ${code ? `${code}: ` : ''}${e.message}`);
  }
  // Anything else (a full disk, a bug) stays a plain error: Temporal retries it with the message as is.
  return err;
}

function mediaExtension(url: URL): string {
  const m = /\.([a-z0-9]{1,5})$/i.exec(url.pathname);
  const ext = m?.[1]?.toLowerCase();
  return ext && MEDIA_EXTENSIONS.has(ext) ? `.${ext}` : '';
}
