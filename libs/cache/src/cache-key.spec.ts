import fc from 'fast-check';
import { InvalidCacheInputError } from './cache-errors';
import { cacheKey, isCacheKey } from './cache-key';
import { canonicalJson } from './canonical-json';

/** Rebuilds an object with its keys inserted in reverse order, recursively. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reordered(v)]),
    );
  }
  return value;
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and leaves out undefined properties', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined, x: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"x":null,"z":1}]},"b":1}',
    );
  });

  it('writes equal meanings identically: NFC strings, -0, Dates', () => {
    expect(canonicalJson({ text: 'e\u0301' })).toBe(canonicalJson({ text: '\u00e9' }));
    expect(canonicalJson(-0)).toBe('0');
    expect(canonicalJson(new Date(Date.UTC(2026, 0, 2)))).toBe('"2026-01-02T00:00:00.000Z"');
  });

  it('refuses what JSON would silently change', () => {
    for (const bad of [NaN, Infinity, 1n, () => 1, Symbol('s'), [undefined], new Map(), new Date(NaN)]) {
      expect(() => canonicalJson({ bad })).toThrow(InvalidCacheInputError);
    }
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(/refers back to itself/);
  });

  it('is valid JSON that parses back to the same value, whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(reordered(value))).toBe(text);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });
});

describe('cacheKey', () => {
  const inputs = { text: 'Octopuses have three hearts.', voice: { name: 'en-us', speed: 1 }, provider: 'espeak-ng' };

  it('is a sha256 hex digest that ignores key order', () => {
    const key = cacheKey({ stage: 'tts', version: 3, inputs });
    expect(isCacheKey(key)).toBe(true);
    expect(cacheKey({ stage: 'tts', version: 3, inputs: reordered(inputs) })).toBe(key);
  });

  it('changes with the stage, the version and every input', () => {
    const key = cacheKey({ stage: 'tts', version: 3, inputs });
    expect(cacheKey({ stage: 'render', version: 3, inputs })).not.toBe(key);
    expect(cacheKey({ stage: 'tts', version: 4, inputs })).not.toBe(key);
    expect(cacheKey({ stage: 'tts', version: '3', inputs })).not.toBe(key);
    expect(cacheKey({ stage: 'tts', version: 3, inputs: { ...inputs, voice: { name: 'en-us', speed: 1.1 } } })).not.toBe(key);
  });

  it('gives distinct inputs distinct keys', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        fc.pre(canonicalJson(a) !== canonicalJson(b));
        expect(cacheKey({ stage: 'script', version: 1, inputs: a })).not.toBe(cacheKey({ stage: 'script', version: 1, inputs: b }));
      }),
    );
  });

  it('refuses an unknown stage', () => {
    expect(() => cacheKey({ stage: 'audio' as 'tts', version: 1, inputs })).toThrow(InvalidCacheInputError);
  });
});
