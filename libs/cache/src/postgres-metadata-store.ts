import { Pool, type PoolClient } from 'pg';
import { CacheClosedError, CacheStoreError, InvalidCacheInputError } from './cache-errors';
import { CACHE_STAGES, type CacheStage } from './cache-stage';
import {
  emptyTotals,
  type EntryRecord,
  type MetadataStore,
  type RemovedEntry,
  type StoredFile,
  type TotalsByStage,
} from './metadata-store';

export interface PostgresMetadataStoreOptions {
  databaseUrl: string;
  /** Schema holding the cache's tables; created if missing. */
  schema?: string;
  poolSize?: number;
}

interface EntryRow {
  key: string;
  stage: CacheStage;
  id: string;
  value: string;
  files: Record<string, StoredFile>;
  bytes: string;
  created_at: string;
  expires_at: string;
  last_access_at: string;
}

interface RemovedRow {
  key: string;
  id: string;
  stage: CacheStage;
  bytes: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const LRU_PAGE = 500;

/**
 * Metadata in PostgreSQL, for several machines sharing one blob directory. Tables (in `schema`):
 *
 *   cache_entries  one row per key (primary key: a `get` is an index lookup); times in ms since the epoch
 *   cache_stats    one row per stage: entries and bytes kept by triggers on cache_entries, in the same
 *                  transaction as the change, so they cannot drift; hits and misses by `hits = hits + 1`
 *
 * Races are settled by the database: a put is one INSERT ... ON CONFLICT DO UPDATE that also returns the id
 * of the version it replaced (read from the locked conflicting row, so two concurrent puts each see the other
 * correctly); removals are DELETE ... WHERE key AND id, so an old reader never removes a newer put. Tables are
 * created under a transaction-scoped advisory lock, because concurrent CREATE ... IF NOT EXISTS can still fail
 * on the catalog's unique indexes.
 */
export class PostgresMetadataStore implements MetadataStore {
  private readonly pool: Pool;
  private readonly schema: string;
  private readonly entries: string;
  private readonly stats: string;
  private closed = false;

  constructor(options: PostgresMetadataStoreOptions) {
    this.schema = options.schema ?? 'vidflow_cache';
    if (!IDENTIFIER.test(this.schema)) {
      throw new InvalidCacheInputError(`cache schema must be a lowercase SQL identifier, got ${JSON.stringify(this.schema)}`);
    }
    this.entries = `"${this.schema}".cache_entries`;
    this.stats = `"${this.schema}".cache_stats`;
    this.pool = new Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // An idle client losing its connection emits 'error' on the pool, which would crash the process if
    // unhandled; the pool drops that client and the next query opens a new connection.
    this.pool.on('error', () => undefined);
  }

  async init(): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`vidflow_cache:init:${this.schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${this.entries} (
          key text PRIMARY KEY,
          stage text NOT NULL,
          id text NOT NULL,
          value text NOT NULL,
          files jsonb NOT NULL,
          bytes bigint NOT NULL,
          created_at bigint NOT NULL,
          expires_at bigint NOT NULL,
          last_access_at bigint NOT NULL,
          replaced_id text
        )`);
      await client.query(`CREATE INDEX IF NOT EXISTS cache_entries_lru ON ${this.entries} (last_access_at, key)`);
      await client.query(`CREATE INDEX IF NOT EXISTS cache_entries_expiry ON ${this.entries} (expires_at)`);
      await client.query(`CREATE INDEX IF NOT EXISTS cache_entries_stage ON ${this.entries} (stage)`);
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${this.stats} (
          stage text PRIMARY KEY,
          entries bigint NOT NULL DEFAULT 0,
          bytes bigint NOT NULL DEFAULT 0,
          hits bigint NOT NULL DEFAULT 0,
          misses bigint NOT NULL DEFAULT 0
        )`);
      await client.query(
        `INSERT INTO ${this.stats} (stage) SELECT unnest($1::text[]) ON CONFLICT (stage) DO NOTHING`,
        [CACHE_STAGES],
      );
      // Statement-level triggers over transition tables: one UPDATE per stage per statement, however many
      // rows it changed. A row-level trigger would update the same stats row once per row, and PostgreSQL
      // slows down quadratically when one transaction updates one row many times (each update walks the
      // row's growing chain of versions): a stage invalidation or a bulk expiry of 100,000 entries would stall.
      await client.query(`
        CREATE OR REPLACE FUNCTION "${this.schema}".cache_entries_totals() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            UPDATE ${this.stats} s SET entries = s.entries + d.n, bytes = s.bytes + d.b
            FROM (SELECT stage, count(*) AS n, sum(bytes) AS b FROM new_rows GROUP BY stage) d
            WHERE s.stage = d.stage;
          ELSIF TG_OP = 'DELETE' THEN
            UPDATE ${this.stats} s SET entries = s.entries - d.n, bytes = s.bytes - d.b
            FROM (SELECT stage, count(*) AS n, sum(bytes) AS b FROM old_rows GROUP BY stage) d
            WHERE s.stage = d.stage;
          ELSE
            UPDATE ${this.stats} s SET entries = s.entries + d.n, bytes = s.bytes + d.b
            FROM (
              SELECT stage, sum(n) AS n, sum(b) AS b FROM (
                SELECT stage, 1 AS n, bytes AS b FROM new_rows
                UNION ALL SELECT stage, -1, -bytes FROM old_rows
              ) changes GROUP BY stage
            ) d
            -- Recording an access changes neither: no write to the stats rows on a hit.
            WHERE s.stage = d.stage AND (d.n <> 0 OR d.b <> 0);
          END IF;
          RETURN NULL;
        END $$`);
      const triggers = {
        cache_entries_totals_insert: 'AFTER INSERT ON %t REFERENCING NEW TABLE AS new_rows',
        cache_entries_totals_delete: 'AFTER DELETE ON %t REFERENCING OLD TABLE AS old_rows',
        cache_entries_totals_update: 'AFTER UPDATE ON %t REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows',
      };
      for (const [name, timing] of Object.entries(triggers)) {
        const exists = await client.query(`SELECT 1 FROM pg_trigger WHERE tgname = $1 AND tgrelid = $2::regclass`, [
          name,
          this.entries,
        ]);
        if (exists.rowCount === 0) {
          await client.query(
            `CREATE TRIGGER ${name} ${timing.replace('%t', this.entries)}
             FOR EACH STATEMENT EXECUTE FUNCTION "${this.schema}".cache_entries_totals()`,
          );
        }
      }
    });
  }

  async get(key: string): Promise<EntryRecord | undefined> {
    const { rows } = await this.query<EntryRow>(
      `SELECT key, stage, id, value, files, bytes, created_at, expires_at, last_access_at FROM ${this.entries} WHERE key = $1`,
      [key],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      key: row.key,
      stage: row.stage,
      id: row.id,
      value: row.value,
      files: row.files,
      bytes: Number(row.bytes),
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
      lastAccessAt: Number(row.last_access_at),
    };
  }

  async touch(key: string, id: string, at: number): Promise<void> {
    await this.query(
      `UPDATE ${this.entries} SET last_access_at = GREATEST(last_access_at, $3) WHERE key = $1 AND id = $2`,
      [key, id, at],
    );
  }

  async countLookup(stage: CacheStage, hit: boolean): Promise<void> {
    const column = hit ? 'hits' : 'misses';
    await this.query(`UPDATE ${this.stats} SET ${column} = ${column} + 1 WHERE stage = $1`, [stage]);
  }

  async upsert(record: EntryRecord): Promise<{ replacedId?: string }> {
    const { rows } = await this.query<{ replaced_id: string | null }>(
      `INSERT INTO ${this.entries} AS e
         (key, stage, id, value, files, bytes, created_at, expires_at, last_access_at, replaced_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL)
       ON CONFLICT (key) DO UPDATE SET
         stage = EXCLUDED.stage, id = EXCLUDED.id, value = EXCLUDED.value, files = EXCLUDED.files,
         bytes = EXCLUDED.bytes, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
         last_access_at = EXCLUDED.last_access_at, replaced_id = e.id
       RETURNING replaced_id`,
      [
        record.key,
        record.stage,
        record.id,
        record.value,
        JSON.stringify(record.files),
        record.bytes,
        record.createdAt,
        record.expiresAt,
        record.lastAccessAt,
      ],
    );
    return { replacedId: rows[0]?.replaced_id ?? undefined };
  }

  async remove(key: string, id: string): Promise<RemovedEntry | undefined> {
    const { rows } = await this.query<RemovedRow>(
      `DELETE FROM ${this.entries} WHERE key = $1 AND id = $2 RETURNING key, id, stage, bytes`,
      [key, id],
    );
    return rows.map(toRemoved)[0];
  }

  async removeStage(stage: CacheStage): Promise<RemovedEntry[]> {
    const { rows } = await this.query<RemovedRow>(
      `DELETE FROM ${this.entries} WHERE stage = $1 RETURNING key, id, stage, bytes`,
      [stage],
    );
    return rows.map(toRemoved);
  }

  async removeExpired(now: number): Promise<RemovedEntry[]> {
    const { rows } = await this.query<RemovedRow>(
      `DELETE FROM ${this.entries} WHERE expires_at <= $1 RETURNING key, id, stage, bytes`,
      [now],
    );
    return rows.map(toRemoved);
  }

  async *lruCandidates(): AsyncIterable<RemovedEntry> {
    // Keyset pagination: each page is an index range scan on (last_access_at, key), never a full sort.
    let after: [string, string] | undefined;
    for (;;) {
      const { rows } = await this.query<RemovedRow & { last_access_at: string }>(
        `SELECT key, id, stage, bytes, last_access_at FROM ${this.entries}
         ${after ? 'WHERE (last_access_at, key) > ($2::bigint, $3::text)' : ''}
         ORDER BY last_access_at, key LIMIT $1`,
        after ? [LRU_PAGE, ...after] : [LRU_PAGE],
      );
      for (const row of rows) yield toRemoved(row);
      if (rows.length < LRU_PAGE) return;
      const last = rows[rows.length - 1];
      after = [last.last_access_at, last.key];
    }
  }

  async totals(): Promise<TotalsByStage> {
    const { rows } = await this.query<{ stage: string; entries: string; bytes: string; hits: string; misses: string }>(
      `SELECT stage, entries, bytes, hits, misses FROM ${this.stats}`,
    );
    const totals = emptyTotals();
    for (const row of rows) {
      if (!(row.stage in totals)) continue;
      totals[row.stage as CacheStage] = {
        entries: Number(row.entries),
        bytes: Number(row.bytes),
        hits: Number(row.hits),
        misses: Number(row.misses),
      };
    }
    return totals;
  }

  async withEvictionLock<T>(fn: () => Promise<T>): Promise<T | undefined> {
    const client = await this.connect();
    const lockName = `vidflow_cache:evict:${this.schema}`;
    const lockQuery = async (text: string): Promise<boolean> => {
      try {
        const { rows } = await client.query<{ locked: boolean }>(text, [lockName]);
        return rows[0]?.locked === true;
      } catch (error) {
        throw new CacheStoreError(`cache eviction lock failed: ${(error as Error).message}`, { cause: error });
      }
    };
    let broken = false;
    try {
      // Session-level, so it is held across fn's queries on other connections and freed if this one dies.
      if (!(await lockQuery('SELECT pg_try_advisory_lock(hashtext($1)) AS locked'))) return undefined;
      try {
        return await fn();
      } finally {
        await lockQuery('SELECT pg_advisory_unlock(hashtext($1)) AS locked').catch(() => {
          // Destroy the connection rather than return it to the pool still holding the lock.
          broken = true;
        });
      }
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async connect(): Promise<PoolClient> {
    if (this.closed) throw new CacheClosedError();
    try {
      return await this.pool.connect();
    } catch (error) {
      throw new CacheStoreError(`cannot connect to the cache database: ${(error as Error).message}`, { cause: error });
    }
  }

  private async query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[] }> {
    if (this.closed) throw new CacheClosedError();
    try {
      return await this.pool.query<R>(text, values);
    } catch (error) {
      throw new CacheStoreError(`cache database query failed: ${(error as Error).message}`, { cause: error });
    }
  }

  private async transaction(fn: (client: PoolClient) => Promise<void>): Promise<void> {
    const client = await this.connect();
    try {
      await client.query('BEGIN');
      await fn(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error instanceof CacheStoreError
        ? error
        : new CacheStoreError(`cannot create the cache tables: ${(error as Error).message}`, { cause: error });
    } finally {
      client.release();
    }
  }
}

function toRemoved(row: RemovedRow): RemovedEntry {
  return { key: row.key, id: row.id, stage: row.stage, bytes: Number(row.bytes) };
}
