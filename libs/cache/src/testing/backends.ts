import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

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
