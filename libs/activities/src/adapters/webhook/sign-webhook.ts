import { createHmac } from 'node:crypto';

/**
 * The Standard Webhooks signature (standardwebhooks.com, "Signature scheme"): HMAC-SHA256 over
 * `<webhook-id>.<webhook-timestamp>.<body>` with the secret's base64-decoded bytes after `whsec_`, base64,
 * prefixed `v1,`. One signature per secret, space-separated, so that a receiver verifies with either secret
 * while they rotate. No secrets, no signature (the header is then left out).
 */
export function signWebhook(o: { secrets: readonly string[]; messageId: string; timestamp: number; body: string }): string | undefined {
  if (o.secrets.length === 0) return undefined;
  const signed = `${o.messageId}.${o.timestamp}.${o.body}`;
  return o.secrets
    .map((secret) => `v1,${createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64')).update(signed).digest('base64')}`)
    .join(' ');
}

/** The headers of one attempt; `timestamp` is the attempt's own time in seconds (the spec's replay protection). */
export function webhookHeaders(o: { secrets: readonly string[]; messageId: string; timestamp: number; body: string }): Record<string, string> {
  const signature = signWebhook(o);
  return {
    'content-type': 'application/json',
    'user-agent': 'vidflow-webhooks/1',
    'webhook-id': o.messageId,
    'webhook-timestamp': String(o.timestamp),
    ...(signature ? { 'webhook-signature': signature } : {}),
  };
}
