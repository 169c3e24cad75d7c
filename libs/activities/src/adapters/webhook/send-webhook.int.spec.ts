import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { parseRetryAfter, sendWebhook, type SendWebhookOptions } from './send-webhook';

const SECRET = 'whsec_' + Buffer.from('integration test secret 32 bytes').toString('base64');

/** A local receiver that verifies every request with `standardwebhooks` and answers from a script. */
async function receiver(answers: Array<(res: import('node:http').ServerResponse) => void>) {
  const seen: Array<{ headers: IncomingHttpHeaders; body: string; verified: boolean }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      let verified = true;
      try {
        new Webhook(SECRET).verify(body, req.headers as Record<string, string>);
      } catch {
        verified = false;
      }
      seen.push({ headers: req.headers, body, verified });
      (answers.shift() ?? ((r) => r.writeHead(200).end('ok')))(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const base = (url: string, more: Partial<SendWebhookOptions> = {}): SendWebhookOptions => ({
  secrets: [SECRET],
  timeoutSeconds: 5,
  allowPrivate: true,
  retryHours: 24,
  url,
  messageId: 'msg_test',
  body: JSON.stringify({ type: 'ping', timestamp: new Date().toISOString(), data: {} }),
  ...more,
});

describe('sendWebhook against a local receiver', () => {
  it('delivers a signed POST that the reference library verifies', async () => {
    const r = await receiver([]);
    try {
      expect(await sendWebhook(base(r.url))).toEqual({ outcome: 'delivered', status: 200 });
      expect(r.seen).toHaveLength(1);
      expect(r.seen[0]).toMatchObject({ verified: true, headers: { 'webhook-id': 'msg_test', 'content-type': 'application/json' } });
    } finally {
      await r.close();
    }
  });

  it('asks for a retry on 5xx, 408, 409 and 429 (with Retry-After), and stops on 410 and other 4xx', async () => {
    const r = await receiver([
      (res) => res.writeHead(503).end('down for maintenance'),
      (res) => res.writeHead(429, { 'retry-after': '7' }).end(),
      (res) => res.writeHead(409).end(),
      (res) => res.writeHead(410).end('gone'),
      (res) => res.writeHead(400).end(),
    ]);
    try {
      expect(await sendWebhook(base(r.url))).toEqual({ outcome: 'retry', error: 'HTTP 503 Service Unavailable: down for maintenance' });
      expect(await sendWebhook(base(r.url))).toEqual({ outcome: 'retry', error: 'HTTP 429 Too Many Requests', retryAfterSeconds: 7 });
      expect(await sendWebhook(base(r.url))).toMatchObject({ outcome: 'retry', error: 'HTTP 409 Conflict' });
      expect(await sendWebhook(base(r.url))).toEqual({ outcome: 'stop', error: 'HTTP 410 Gone: gone' });
      expect(await sendWebhook(base(r.url))).toMatchObject({ outcome: 'stop', error: 'HTTP 400 Bad Request' });
    } finally {
      await r.close();
    }
  });

  it('does not follow redirects', async () => {
    const r = await receiver([(res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end()]);
    try {
      const result = await sendWebhook(base(r.url));
      expect(result).toMatchObject({ outcome: 'stop' });
      expect(result.outcome === 'stop' && result.error).toMatch(/^HTTP 302 .*redirects are not followed/);
      expect(r.seen).toHaveLength(1);
    } finally {
      await r.close();
    }
  });

  it('refuses private addresses unless allowed, literal or resolved at connect time, without sending anything', async () => {
    const r = await receiver([]);
    try {
      const literal = await sendWebhook(base(r.url, { allowPrivate: false }));
      expect(literal).toEqual({ outcome: 'stop', error: expect.stringMatching(/^127\.0\.0\.1 is .*WEBHOOK_ALLOW_PRIVATE_URLS=true/) });
      const port = new URL(r.url).port;
      const named = await sendWebhook(base(`http://hooks.example.test:${port}/hook`, { allowPrivate: false, resolveHost: async () => [{ address: '127.0.0.1', family: 4 }] }));
      expect(named).toEqual({ outcome: 'stop', error: expect.stringMatching(/^hooks\.example\.test resolves to 127\.0\.0\.1; /) });
      expect(r.seen).toHaveLength(0);
    } finally {
      await r.close();
    }
  });

  it('retries a refused connection and a receiver that does not answer in time', async () => {
    const r = await receiver([(res) => setTimeout(() => res.writeHead(200).end(), 3000).unref()]);
    const url = r.url;
    try {
      const slow = await sendWebhook(base(url, { timeoutSeconds: 1 }));
      expect(slow).toMatchObject({ outcome: 'retry', error: expect.stringContaining('no answer within 1 s') });
    } finally {
      await r.close();
    }
    expect(await sendWebhook(base(url))).toMatchObject({ outcome: 'retry', error: expect.stringContaining('ECONNREFUSED') });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('120')).toBe(120);
    expect(parseRetryAfter('Wed, 02 Dec 2026 05:00:30 GMT', Date.parse('2026-12-02T05:00:00Z'))).toBe(30);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
