import type { NativeConnection } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '@vidflow/contracts';

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

/**
 * Registers vidflow's custom search attributes in the namespace if they are missing. The dev server
 * gets them as start flags; a real cluster gets them here, at worker boot, so that nobody has to run
 * `temporal operator search-attribute create` by hand. Safe to call from many workers at once.
 */
export async function ensureSearchAttributes(connection: NativeConnection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = Object.values(SEARCH_ATTRIBUTES)
    .map((k) => k.name)
    .filter((name) => !known.has(name));
  if (missing.length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((name) => [name, KEYWORD])),
    });
  } catch (err) {
    // Another worker registering the same attributes at the same moment is fine.
    if (!/already exists/i.test((err as Error).message)) throw err;
  }
  return missing;
}
