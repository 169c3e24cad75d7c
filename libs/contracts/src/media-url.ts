import { type AddressClass, classifyAddress, describeAddressClass } from './classify-address';

/** Longest media URL accepted (the request schema bounds every media reference to the same length). */
export const MEDIA_URL_MAX_LENGTH = 2048;

/** Whether a media reference is meant as a URL (any `scheme:`), as opposed to a path under MEDIA_DIR. */
export function looksLikeUrl(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(ref);
}

/** Whether a media reference names an http(s) URL (well-formed or not: see `parseMediaUrl`). */
export function isHttpUrl(ref: string): boolean {
  return /^https?:/i.test(ref);
}

export type ParsedMediaUrl = { url: URL; problem?: undefined } | { url?: undefined; problem: string };

/**
 * An http(s) media URL as the worker will fetch it, or why it cannot be: it must be absolute with a
 * host, carry no credentials (they would end up in workflow histories and logs) and no spaces or
 * control characters. With `allowPrivate` false, a host written as an IP address must be public
 * (`classifyAddress`); host names are checked by the worker against every address they resolve to,
 * at connect time, which a check here could not do reliably (DNS may answer differently later).
 */
export function parseMediaUrl(ref: string, options: { allowPrivate?: boolean } = {}): ParsedMediaUrl {
  if (!isHttpUrl(ref)) return { problem: 'only http and https URLs are accepted' };
  if (ref.length > MEDIA_URL_MAX_LENGTH) return { problem: `must be at most ${MEDIA_URL_MAX_LENGTH} characters` };
  // The WHATWG parser would quietly drop tabs and newlines and accept "http:host" or "http:/host".
  if (hasSpaceOrControl(ref)) return { problem: 'must not contain spaces or control characters (percent-encode them)' };
  if (!/^https?:\/\/[^/?#]/i.test(ref)) return { problem: 'must be an absolute URL such as https://example.com/background.png' };
  let url: URL;
  try {
    url = new URL(ref);
  } catch {
    return { problem: 'is not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: 'only http and https URLs are accepted' };
  if (url.username !== '' || url.password !== '') return { problem: 'must not contain credentials (user:password@)' };
  if (url.hostname === '') return { problem: 'must name a host' };
  if (url.href.length > MEDIA_URL_MAX_LENGTH) return { problem: `must be at most ${MEDIA_URL_MAX_LENGTH} characters` };
  if (!options.allowPrivate) {
    const c = classifyAddress(url.hostname);
    if (c !== undefined && c !== 'public') return { problem: privateAddressProblem(url.hostname, c) };
  }
  return { url };
}

function hasSpaceOrControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return true;
  }
  return /\s/.test(s);
}

/** The sentence both the API and the worker use for a host they will not connect to. */
export function privateAddressProblem(address: string, c: AddressClass): string {
  return `${address} is ${describeAddressClass(c)}; media URLs must point at public hosts (MEDIA_ALLOW_PRIVATE_URLS=true allows private addresses)`;
}

/**
 * A URL as it may appear in messages, logs and workflow histories: no credentials, no fragment, and
 * the query string (often a signed URL's secret) replaced by `?…`.
 */
export function redactUrl(url: URL | string): string {
  let u: URL;
  try {
    u = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return String(url)
      .replace(/^([^/]*\/\/)[^/?#@]*@/, '$1')
      .replace(/[?#].*$/s, (rest) => (rest.startsWith('?') ? '?…' : ''))
      .slice(0, 200);
  }
  return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?…' : ''}`;
}
