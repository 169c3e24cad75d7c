import { InvalidCacheInputError } from './cache-errors';

/**
 * One JSON text per meaning, so that equal inputs hash to equal keys: object keys sorted (by UTF-16 code
 * units, like Array.prototype.sort), properties whose value is `undefined` left out, strings (keys and values)
 * in Unicode NFC so that "é" typed as one code point or as "e" + combining accent is the same input, `-0`
 * written as `0`, Dates as ISO strings. Anything JSON cannot represent faithfully (NaN, Infinity, bigint,
 * functions, symbols, class instances, `undefined` inside an array, cycles) is refused rather than silently
 * changed, because a silently changed input would alias two different requests to one cache entry.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set());
}

function write(value: unknown, path: string, ancestors: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidCacheInputError(`${path} is ${value}, which JSON cannot represent`);
      return Object.is(value, -0) ? '0' : JSON.stringify(value);
    case 'string':
      return JSON.stringify(value.normalize('NFC'));
    case 'object':
      break;
    default:
      throw new InvalidCacheInputError(`${path} is a ${typeof value}, which JSON cannot represent`);
  }
  const object = value as object;
  if (object instanceof Date) {
    if (Number.isNaN(object.getTime())) throw new InvalidCacheInputError(`${path} is an invalid Date`);
    return JSON.stringify(object.toISOString());
  }
  if (ancestors.has(object)) throw new InvalidCacheInputError(`${path} refers back to itself`);
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      return `[${object
        .map((item: unknown, index) => {
          if (item === undefined) throw new InvalidCacheInputError(`${path}[${index}] is undefined`);
          return write(item, `${path}[${index}]`, ancestors);
        })
        .join(',')}]`;
    }
    const proto = Object.getPrototypeOf(object) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      throw new InvalidCacheInputError(`${path} is a ${object.constructor?.name ?? 'class'} instance, not a plain object`);
    }
    const entries = Object.entries(object as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => [key.normalize('NFC'), item] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (let i = 1; i < entries.length; i++) {
      if (entries[i][0] === entries[i - 1][0]) {
        throw new InvalidCacheInputError(`${path} has two keys that are equal after NFC normalisation: ${entries[i][0]}`);
      }
    }
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${write(item, `${path}.${key}`, ancestors)}`).join(',')}}`;
  } finally {
    ancestors.delete(object);
  }
}
