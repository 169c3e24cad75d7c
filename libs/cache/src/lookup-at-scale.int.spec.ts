import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArtifactCache } from './artifact-cache';
import { cacheKey } from './cache-key';
import { createCache } from './create-cache';
import { EmbeddedMetadataStore } from './embedded-metadata-store';
import { testBackend, withClient, type TestBackend } from './testing/backends';

// Correctness of lookups among 100,000 entries (their speed is measured in bench/, not asserted here).
// The timeout is a safety net for a loaded two-core machine, not a speed claim.
jest.setTimeout(300_000);

const ENTRIES = 100_000;
const key = (n: number): string => cacheKey({ stage: 'tts', version: 1, inputs: { scene: n } });

async function checkLookups(cache: ArtifactCache): Promise<void> {
  const present = Array.from({ length: 500 }, (_, i) => (i * 7919) % ENTRIES);
  for (const n of present) expect((await cache.get<number>('tts', key(n)))?.value).toBe(n);
  for (let n = ENTRIES; n < ENTRIES + 200; n++) expect(await cache.get('tts', key(n))).toBeUndefined();
  // The same key under another stage is not a hit.
  expect(await cache.get('render', key(5))).toBeUndefined();
  const stats = await cache.stats();
  expect(stats.entries).toBe(ENTRIES);
  expect(stats.byStage.tts).toMatchObject({ entries: ENTRIES, hits: 500, misses: 200 });
  expect(stats.byStage.render).toMatchObject({ misses: 1 });
}

describe('lookups among 100,000 entries', () => {
  it('embedded: every get finds its own entry and only it', async () => {
    // On tmpfs when there is one: this is about the index, not about how fast this machine's disk renames.
    const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
    const dir = await mkdtemp(join(base, 'vidflow-cache-scale-'));
    try {
      const store = new EmbeddedMetadataStore({ dir });
      await store.init();
      let next = 0;
      const writer = async (): Promise<void> => {
        while (next < ENTRIES) {
          const n = next++;
          const value = String(n);
          await store.upsert({
            key: key(n),
            stage: 'tts',
            id: `v${n}`,
            value,
            files: {},
            bytes: value.length,
            createdAt: 0,
            expiresAt: Number.MAX_SAFE_INTEGER,
            lastAccessAt: 0,
          });
        }
      };
      await Promise.all(Array.from({ length: 256 }, writer));
      await store.close();

      const cache = await createCache({ dir });
      try {
        await checkLookups(cache);
      } finally {
        await cache.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('postgres', () => {
    let backend: TestBackend;
    let dir: string;
    afterEach(async () => {
      await backend.drop();
      await rm(dir, { recursive: true, force: true });
    });

    it('every get finds its own entry and only it', async () => {
      backend = testBackend('postgres');
      dir = await mkdtemp(join(tmpdir(), 'vidflow-cache-scale-'));
      const cache = await createCache({ dir, ...backend.options });
      try {
        // Rows inserted in bulk (the keys computed here, in the same way as cacheKey) to keep the test short.
        const keys = Array.from({ length: ENTRIES }, (_, n) => key(n));
        await withClient((client) =>
          client.query(
            `INSERT INTO "${backend.options.databaseSchema}".cache_entries
               (key, stage, id, value, files, bytes, created_at, expires_at, last_access_at)
             SELECT k, 'tts', 'v' || (n - 1), (n - 1)::text, '{}', length((n - 1)::text), 0, 9007199254740991, 0
             FROM unnest($1::text[]) WITH ORDINALITY AS t(k, n)`,
            [keys],
          ),
        );
        await checkLookups(cache);
      } finally {
        await cache.close();
      }
    });
  });
});
