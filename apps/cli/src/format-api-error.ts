import { ApiError } from './api-error';

/**
 * Turns an error response into an ApiError. The contract's shape is `{ error: { code, message, details } }`;
 * anything else (a proxy's HTML page, an empty body) still gives a message naming the HTTP status.
 */
export function apiErrorFromResponse(status: number, statusText: string, bodyText: string): ApiError {
  let body: unknown;
  try {
    body = bodyText ? JSON.parse(bodyText) : undefined;
  } catch {
    body = undefined;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (error && typeof error.message === 'string') {
    const details = Array.isArray(error.details)
      ? error.details.filter((d): d is { field?: string; message?: string } => typeof d === 'object' && d !== null)
      : [];
    return new ApiError(error.message, status, typeof error.code === 'string' ? error.code : `HTTP_${status}`, details, body);
  }
  const snippet = bodyText.trim().slice(0, 200);
  const message = `HTTP ${status}${statusText ? ` ${statusText}` : ''}${snippet ? `: ${snippet}` : ''}`;
  return new ApiError(message, status, `HTTP_${status}`, [], body);
}

/** `message` then one indented `field: message` line per detail, as printed on stderr. */
export function formatApiError(error: ApiError): string {
  const lines = [`error: ${error.message}`];
  for (const d of error.details) {
    const line = d.field && d.message ? `${d.field}: ${d.message}` : (d.message ?? d.field);
    // A message that is the one detail already (`cron: ...`) is not repeated.
    if (line && line !== error.message) lines.push(`  ${line}`);
  }
  return lines.join('\n');
}
