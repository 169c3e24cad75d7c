import { canonicalJson } from '@vidflow/cache';
import { createHash } from 'node:crypto';
import { ValidationFailedError } from './api-errors';

/** Printable ASCII, as most APIs that take the header accept (Stripe, the IETF draft). */
const KEY = /^[\x21-\x7e]{1,255}$/;

export function checkIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!KEY.test(key)) {
    throw new ValidationFailedError('Idempotency-Key: must be 1-255 printable ASCII characters', [
      { field: 'Idempotency-Key', message: 'must be 1-255 printable ASCII characters' },
    ]);
  }
  return key;
}

/** sha256 of the canonical JSON form (the cache's: keys sorted, NFC strings), so key order does not matter. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}
