import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheKey } from '../cache-key';
import type { EntryRecord } from '../metadata-store';
import { RecordFiles } from './record-files';

const key = (n: number): string => cacheKey({ stage: 'tts', version: 1, inputs: n });
const record = (n: number, id = `id-${n}`): EntryRecord => ({
  key: key(n),
  stage: 'tts',
  id,
  value: String(n),
  files: { 'a.wav': { sha256: 'f'.repeat(64), size: 3 } },
  bytes: 103,
  createdAt: 1000,
  expiresAt: 10_000_000,
  lastAccessAt: 2_000_000 + n,
});

describe('RecordFiles', () => {
  let dir: string;
  let files: RecordFiles;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vidflow-records-'));
    files = new RecordFiles({ entriesDir: join(dir, 'entries'), tmpDir: join(dir, 'tmp') });
    await files.init();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('stages outside the entries, places by rename, and reads the record back with its access time from the mtime', async () => {
    const staged = files.stage(record(1));
    expect(await files.read(key(1))).toBe('missing');
    await files.place(staged, key(1));
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
    expect(files.pathOf(key(1))).toBe(join(dir, 'entries', key(1).slice(0, 2), `${key(1)}.json`));
    expect(await files.read(key(1))).toEqual({ record: record(1) });
    expect(files.readSync(key(1))).toEqual({ record: record(1) });
    // The access time is not stored in the content: touching changes no byte of it.
    const before = await readFile(files.pathOf(key(1)), 'utf8');
    await files.touch(key(1), 9_000_000);
    expect(await readFile(files.pathOf(key(1)), 'utf8')).toBe(before);
    expect(Math.round((await stat(files.pathOf(key(1)))).mtimeMs)).toBe(9_000_000);
    expect(before).not.toContain('lastAccessAt');
  });

  it('reads a torn record, or one filed under another key, as unreadable', async () => {
    await files.place(files.stage(record(1)), key(1));
    const path = files.pathOf(key(1));
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.slice(0, 20));
    expect(await files.read(key(1))).toBe('unreadable');
    expect(files.readSync(key(1))).toBe('unreadable');
    await writeFile(path, JSON.stringify({ ...record(2), lastAccessAt: undefined }));
    expect(await files.read(key(1))).toBe('unreadable');
  });

  it('removes and touches missing keys without error, and discards a staged file', async () => {
    await files.remove(key(7));
    await files.touch(key(7), 1);
    const staged = files.stage(record(7));
    await files.discard(staged);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  it('readAll returns every readable record and skips torn ones and stray files', async () => {
    for (const n of [1, 2, 3]) await files.place(files.stage(record(n)), key(n));
    await writeFile(files.pathOf(key(2)), '{');
    await writeFile(join(dir, 'entries', key(1).slice(0, 2), 'notes.txt'), 'x');
    const all = await files.readAll();
    expect(all.map((r) => r.key).sort()).toEqual([key(1), key(3)].sort());
  });
});
