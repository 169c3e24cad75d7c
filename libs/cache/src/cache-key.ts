import { createHash } from 'node:crypto';
import { InvalidCacheInputError } from './cache-errors';
import { isCacheStage, type CacheStage } from './cache-stage';
import { canonicalJson } from './canonical-json';

export interface CacheKeyInput {
  stage: CacheStage;
  /**
   * The version of the code that produces this stage's result. Bump it when the output for the same inputs
   * changes (a new renderer, a new loudness target): only that stage's entries stop matching.
   */
  version: string | number;
  /** Everything the result depends on, including provider, model and voice. Canonicalised, see canonicalJson. */
  inputs: unknown;
}

/** Bumped only if the way keys are derived changes; part of every hash so old and new keys never collide. */
const KEY_SCHEME = 1;

const KEY_PATTERN = /^[0-9a-f]{64}$/;

/** The content address of a stage result: sha256 (hex) of the canonical JSON of scheme, stage, version and inputs. */
export function cacheKey({ stage, version, inputs }: CacheKeyInput): string {
  if (!isCacheStage(stage)) throw new InvalidCacheInputError(`unknown cache stage ${JSON.stringify(stage)}`);
  if (typeof version !== 'string' && typeof version !== 'number') {
    throw new InvalidCacheInputError('cache key version must be a string or a number');
  }
  const text = canonicalJson({ scheme: KEY_SCHEME, stage, version, inputs });
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function isCacheKey(value: unknown): value is string {
  return typeof value === 'string' && KEY_PATTERN.test(value);
}

export function assertCacheKey(value: unknown): asserts value is string {
  if (!isCacheKey(value)) throw new InvalidCacheInputError(`cache keys are 64 lowercase hex digits, got ${JSON.stringify(value)}`);
}
