import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheKey } from './cache-key';
import { CacheLockTimeoutError, CacheStoreError } from './cache-errors';
import { EmbeddedMetadataStore } from './embedded-metadata-store';
import { FileLock } from './file-lock';
import type { EntryRecord } from './metadata-store';

const key = (n: number): string => cacheKey({ stage: 'tts', version: 1, inputs: n });
const record = (n: number, id = `id-${n}`, bytes = 100): EntryRecord => ({
  key: key(n),
  stage: 'tts',
  id,
  value: String(n),
  files: {},
  bytes,
  createdAt: 1000,
  expiresAt: 10_000_000,
  lastAccessAt: 1000 + n,
});

// Crash recovery and on-disk details that the behavioural suite (artifact-cache.spec.ts) cannot reach.
describe('EmbeddedMetadataStore', () => {
  let dir: string;
  let store: EmbeddedMetadataStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vidflow-meta-'));
    store = new EmbeddedMetadataStore({ dir });
    await store.init();
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('fails a batch that cannot get the lock with CacheLockTimeoutError itself (retryable), not a wrapped store error', async () => {
    const slow = new EmbeddedMetadataStore({ dir, lockTimeoutMs: 200 });
    await slow.init();
    // Another holder of the metadata lock (as another process would be) keeps it for the whole attempt.
    const release = await new FileLock({ path: join(dir, 'meta', 'lock'), timeoutMs: 200 }).tryAcquire();
    expect(release).toBeDefined();
    try {
      const failure = await slow.upsert(record(9)).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(CacheLockTimeoutError);
      expect(failure).not.toBeInstanceOf(CacheStoreError);
    } finally {
      await release!();
      await slow.close();
    }
  });

  it('finds an entry by key through its own file, with the access time from the record file', async () => {
    await store.upsert(record(1));
    const found = await store.get(key(1));
    expect(found).toEqual(record(1));
    await store.touch(key(1), 'id-1', 5000);
    expect((await store.get(key(1)))?.lastAccessAt).toBe(5000);
    expect(await store.get(key(2))).toBeUndefined();
  });

  it('removes only the version asked for', async () => {
    await store.upsert(record(1, 'old'));
    expect(await store.upsert(record(1, 'new'))).toMatchObject({ replacedId: 'old' });
    expect(await store.remove(key(1), 'old')).toBeUndefined();
    expect((await store.get(key(1)))?.id).toBe('new');
    expect(await store.remove(key(1), 'new')).toEqual({ key: key(1), id: 'new', stage: 'tts', bytes: 100 });
    expect((await store.totals()).tts).toEqual({ entries: 0, bytes: 0, hits: 0, misses: 0 });
  });

  it('corrects the totals from the journal of a batch that died before changing its records', async () => {
    await store.upsert(record(1));
    await store.upsert(record(2, 'id-2', 50));
    // A batch that meant to add key 3 and remove key 1, wrote its journal and died before touching them.
    const intended = await store.totals();
    intended.tts.entries = 2;
    intended.tts.bytes = 50 + 70;
    await writeFile(
      join(dir, 'meta', 'journal.json'),
      JSON.stringify({
        totals: intended,
        pending: [
          { key: key(3), assumed: { id: 'id-3', stage: 'tts', bytes: 70 } },
          { key: key(1), assumed: null },
        ],
      }),
    );
    // The next batch (any operation that takes the lock) repairs the totals first.
    await store.countLookup('tts', true);
    expect((await store.totals()).tts).toEqual({ entries: 2, bytes: 150, hits: 1, misses: 0 });
  });

  it('keeps the journal’s totals where the batch did finish its changes', async () => {
    await store.upsert(record(1));
    const intended = await store.totals();
    intended.tts.entries = 0;
    intended.tts.bytes = 0;
    await rm(join(dir, 'meta', 'entries', key(1).slice(0, 2), `${key(1)}.json`));
    await writeFile(join(dir, 'meta', 'journal.json'), JSON.stringify({ totals: intended, pending: [{ key: key(1), assumed: null }] }));
    await store.countLookup('tts', false);
    expect((await store.totals()).tts).toEqual({ entries: 0, bytes: 0, hits: 0, misses: 1 });
  });

  it('treats an unreadable record (torn by a power loss) as absent and removes it', async () => {
    await store.upsert(record(1));
    const path = join(dir, 'meta', 'entries', key(1).slice(0, 2), `${key(1)}.json`);
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.slice(0, text.length / 2));
    expect(await store.get(key(1))).toBeUndefined();
    await expect(readFile(path)).rejects.toThrow(/ENOENT/);
  });

  it('falls back to the other state slot when the newer one is torn', async () => {
    await store.countLookup('script', true); // seq 1 -> slot 1
    await store.countLookup('script', true); // seq 2 -> slot 0
    const statePath = join(dir, 'meta', 'state');
    const state = await readFile(statePath);
    state[100] ^= 0xff; // inside slot 0's payload
    await writeFile(statePath, state);
    expect((await store.totals()).script.hits).toBe(1);
  });

  it('applies many concurrent operations exactly, in batches', async () => {
    await Promise.all([
      ...Array.from({ length: 300 }, (_, n) => store.upsert(record(n, `id-${n}`, n))),
      ...Array.from({ length: 300 }, (_, n) => store.countLookup('tts', n % 3 === 0)),
    ]);
    expect((await store.totals()).tts).toEqual({ entries: 300, bytes: (299 * 300) / 2, hits: 100, misses: 200 });
    const order = [];
    for await (const entry of store.lruCandidates()) order.push(entry.key);
    expect(order).toEqual(Array.from({ length: 300 }, (_, n) => key(n)));
  });
});
