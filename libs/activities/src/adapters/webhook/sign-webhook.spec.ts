import { Webhook } from 'standardwebhooks';
import { signWebhook, webhookHeaders } from './sign-webhook';

// Verified with the `standardwebhooks` package (the reference implementation), not with this module's own code.
const OLD = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const NEW = 'whsec_' + Buffer.from('a brand new secret of 32 bytes!!').toString('base64');

describe('signWebhook', () => {
  const body = JSON.stringify({ type: 'video.completed', timestamp: '2026-12-02T05:00:00.000Z', data: { id: 'vid-1', status: 'completed' } });
  const timestamp = Math.floor(Date.now() / 1000);

  it('signs per the Standard Webhooks spec: the reference library verifies it', () => {
    const headers = webhookHeaders({ secrets: [OLD], messageId: 'msg_vid-1_run', timestamp, body });
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(OLD).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('signs once per secret, so either side of a rotation verifies', () => {
    const headers = webhookHeaders({ secrets: [OLD, NEW], messageId: 'msg_x', timestamp, body });
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(new Webhook(OLD).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(NEW).verify(body, headers)).toEqual(JSON.parse(body));
    const other = 'whsec_' + Buffer.from('somebody else entirely, 32 bytes').toString('base64');
    expect(() => new Webhook(other).verify(body, headers)).toThrow(/signature/i);
  });

  it('fails verification when the body, id or timestamp changes', () => {
    const headers = webhookHeaders({ secrets: [OLD], messageId: 'msg_x', timestamp, body });
    expect(() => new Webhook(OLD).verify(body.replace('vid-1', 'vid-2'), headers)).toThrow();
    expect(() => new Webhook(OLD).verify(body, { ...headers, 'webhook-id': 'msg_y' })).toThrow();
    expect(() => new Webhook(OLD).verify(body, { ...headers, 'webhook-timestamp': String(timestamp - 1) })).toThrow();
  });

  it('leaves the signature out without secrets', () => {
    expect(signWebhook({ secrets: [], messageId: 'm', timestamp, body })).toBeUndefined();
    expect(webhookHeaders({ secrets: [], messageId: 'm', timestamp, body })).not.toHaveProperty('webhook-signature');
  });
});
