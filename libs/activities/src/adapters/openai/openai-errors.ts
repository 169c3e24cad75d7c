import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { ProviderError } from '../provider-error';

/** A `Retry-After` longer than this is capped: past it, the activity's own attempts budget decides. */
const MAX_RETRY_AFTER_SECONDS = 600;

/**
 * Seconds to wait from the headers of a 429/503: OpenAI's `retry-after-ms`, else the standard
 * `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3). Undefined when absent or unreadable.
 */
export function retryAfterSeconds(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? NaN);
  let seconds: number | undefined;
  if (Number.isFinite(ms) && ms >= 0) {
    seconds = ms / 1000;
  } else {
    const value = headers?.get('retry-after')?.trim();
    if (!value) return undefined;
    if (/^\d+(\.\d+)?$/.test(value)) {
      seconds = Number(value);
    } else {
      const at = Date.parse(value);
      if (Number.isNaN(at)) return undefined;
      seconds = Math.max(0, (at - now) / 1000);
    }
  }
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.ceil(seconds * 1000) / 1000);
}

/**
 * Decides, where the error is raised, whether an OpenAI call is worth repeating: rate limits (429,
 * with their `Retry-After`, unless the account is out of quota), request timeouts (408), server errors (5xx), timeouts and connection
 * errors are; any other 4xx is not (the same request gets the same answer), and its message is the
 * provider's own. Cancellation (the activity's signal) and errors that are not the SDK's pass through.
 */
export function fromOpenAiError(err: unknown, what: string): unknown {
  if (err instanceof APIUserAbortError || !(err instanceof APIError)) return err;
  if (err instanceof APIConnectionError) {
    // APIConnectionTimeoutError is a subclass: no answer within OPENAI_TIMEOUT_MS.
    return new ProviderError(`${what} failed: ${err.message}`, { retryable: true, cause: err });
  }
  const status = err.status;
  const message = providerMessage(err);
  if (status === 429 && err.code === 'insufficient_quota') {
    // OpenAI answers 429 when the account is out of credit, too: no retry will fix that.
    return new ProviderError(`${what} was rejected (429 insufficient_quota): ${message}`, { retryable: false, status, cause: err });
  }
  if (status === 429) {
    return new ProviderError(`${what} was rate limited (429): ${message}`, {
      retryable: true,
      status,
      retryAfterSeconds: retryAfterSeconds(err.headers),
      cause: err,
    });
  }
  if (status === undefined || status === 408 || status >= 500) {
    return new ProviderError(`${what} failed (${status ?? 'no status'}): ${message}`, {
      retryable: true,
      status,
      retryAfterSeconds: status === 503 ? retryAfterSeconds(err.headers) : undefined,
      cause: err,
    });
  }
  return new ProviderError(`${what} was rejected (${status}): ${message}`, { retryable: false, status, cause: err });
}

/** The provider's own words: `error.message` of the JSON body, without the SDK's status prefix. */
function providerMessage(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string' && body.message) return body.message;
  return err.message.replace(/^\d{3} /, '');
}
