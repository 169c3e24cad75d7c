import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheObjectStore } from '../bucket-blob-store';

/** The local PostgreSQL the unit tests run against (trust auth). */
export const TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestBackend {
  name: 'embedded' | 'postgres';
  /** Options for createCache besides dir. */
  options: { databaseUrl?: string; databaseSchema?: string };
  /** Drops what the backend created (the schema). */
  drop(): Promise<void>;
}

export const BACKEND_NAMES = ['embedded', 'postgres'] as const;

/** A backend with its own PostgreSQL schema per call, so test files and runs never see each other's rows. */
export function testBackend(name: TestBackend['name']): TestBackend {
  if (name === 'embedded') return { name, options: {}, drop: async () => undefined };
  const schema = `cache_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  return {
    name,
    options: { databaseUrl: TEST_DATABASE_URL, databaseSchema: schema },
    drop: () => withClient(async (client) => void (await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`))),
  };
}

export async function withClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Where a suite's entry files live: the cache directory, or a bucket (the integration tier starts one). */
export interface TestBlobs {
  name: 'local' | 'bucket';
  /** createCache options for one test: for a bucket, the object store and a prefix of this test's own. */
  options(): { objects?: CacheObjectStore; objectPrefix?: string };
  /** The ids of the versions of `key` whose files are stored, under `cacheDir` or in the bucket. */
  versions(cacheDir: string, key: string, options: { objectPrefix?: string }): Promise<string[]>;
}

export const LOCAL_BLOBS: TestBlobs = {
  name: 'local',
  options: () => ({}),
  versions: (cacheDir, key) => readdir(join(cacheDir, 'blobs', key.slice(0, 2), key)).catch(() => []),
};

/** Files in the bucket of `objects()` (called per test: the server is started in the suite's beforeAll). */
export function bucketBlobs(objects: () => CacheObjectStore): TestBlobs {
  return {
    name: 'bucket',
    options: () => ({ objects: objects(), objectPrefix: `cache-test-${randomBytes(4).toString('hex')}/` }),
    async versions(_cacheDir, key, options) {
      const prefix = `${options.objectPrefix}${key.slice(0, 2)}/${key}/`;
      const ids = new Set<string>();
      for await (const object of objects().list(prefix)) ids.add(object.key.slice(prefix.length).split('/')[0]!);
      return [...ids];
    },
  };
}
