import { ValidationFailedError } from './api-errors';

/** A visibility page token as the `nextCursor` clients send back (URL-safe, opaque). */
export function encodeCursor(token: Uint8Array | null | undefined): string | null {
  return token?.length ? Buffer.from(token).toString('base64url') : null;
}

/** The page token in a client's `cursor`; 400 naming `cursor` when it cannot be one of ours. */
export function decodeCursor(cursor: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new ValidationFailedError('cursor: not a cursor from a previous page', [{ field: 'cursor', message: 'not a cursor from a previous page' }]);
  }
  return Buffer.from(cursor, 'base64url');
}
