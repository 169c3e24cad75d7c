import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, type Hash } from 'node:crypto';
import { Transform } from 'node:stream';

/** Algorithms of the tus checksum extension this server verifies (the protocol requires sha1; the issue asks for sha256). */
export const CHECKSUM_ALGORITHMS = ['sha1', 'sha256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export interface ExpectedChecksum {
  algorithm: ChecksumAlgorithm;
  /** The digest the client sent, decoded from base64. */
  digest: Buffer;
}

export type ChecksumHeader = { kind: 'none' } | { kind: 'ok'; checksum: ExpectedChecksum } | { kind: 'unsupported'; algorithm: string } | { kind: 'malformed' };

const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { sha1: 20, sha256: 32 };

/** `Upload-Checksum: <algorithm> <base64 digest>` (tus checksum extension). */
export function parseChecksumHeader(header: string | undefined): ChecksumHeader {
  if (header === undefined) return { kind: 'none' };
  const match = /^\s*([A-Za-z0-9-]+) ([A-Za-z0-9+/]+={0,2})\s*$/.exec(header);
  if (!match) return { kind: 'malformed' };
  const algorithm = match[1]!.toLowerCase();
  if (!(CHECKSUM_ALGORITHMS as readonly string[]).includes(algorithm)) return { kind: 'unsupported', algorithm };
  const digest = Buffer.from(match[2]!, 'base64');
  if (digest.length !== DIGEST_BYTES[algorithm as ChecksumAlgorithm]) return { kind: 'malformed' };
  return { kind: 'ok', checksum: { algorithm: algorithm as ChecksumAlgorithm, digest } };
}

/**
 * The checksum the request being handled declared. The tus server calls the store's write() deep inside its
 * handlers without the request; the request's async context carries the expected digest down to it.
 */
export const expectedChecksum = new AsyncLocalStorage<ExpectedChecksum | undefined>();

export function checksumHash(algorithm: ChecksumAlgorithm): Hash {
  return createHash(algorithm);
}

/** Passes a chunk's bytes through unchanged, adding them to `hash` on the way (both upload stores verify this way). */
export function hashingStream(hash: Hash): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
}
