import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileContentHasher } from './file-content-hasher';

/** Counts the files it really reads. */
class CountingHasher extends FileContentHasher {
  reads = 0;
  protected override async digest(path: string): Promise<string> {
    this.reads++;
    return super.digest(path);
  }
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('FileContentHasher', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vidflow-hasher-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hashes the content once while the file is unchanged, and concurrent calls share the read', async () => {
    const file = join(dir, 'bg.png');
    writeFileSync(file, 'one');
    const hasher = new CountingHasher();
    expect(await Promise.all([hasher.sha256(file), hasher.sha256(file), hasher.sha256(file)])).toEqual([sha('one'), sha('one'), sha('one')]);
    expect(await hasher.sha256(file)).toBe(sha('one'));
    expect(hasher.reads).toBe(1);
  });

  it('hashes again when the file is rewritten, even at the same size with its old mtime put back', async () => {
    const file = join(dir, 'bg.png');
    writeFileSync(file, 'one');
    const hasher = new CountingHasher();
    expect(await hasher.sha256(file)).toBe(sha('one'));
    const { atime, mtime } = statSync(file);
    writeFileSync(file, 'two');
    utimesSync(file, atime, mtime); // as `cp -p` does: only ctime tells
    expect(await hasher.sha256(file)).toBe(sha('two'));
    expect(hasher.reads).toBe(2);
  });

  it('hashes again when another file is renamed over the path', async () => {
    const file = join(dir, 'bg.png');
    writeFileSync(file, 'one');
    const hasher = new CountingHasher();
    await hasher.sha256(file);
    writeFileSync(join(dir, 'new.png'), 'six');
    renameSync(join(dir, 'new.png'), file);
    expect(await hasher.sha256(file)).toBe(sha('six'));
  });

  it('remembers at most maxEntries files, dropping the least recently used', async () => {
    const hasher = new CountingHasher(2);
    for (const name of ['a', 'b', 'c']) writeFileSync(join(dir, name), name);
    await hasher.sha256(join(dir, 'a'));
    await hasher.sha256(join(dir, 'b'));
    await hasher.sha256(join(dir, 'a')); // a is now the most recently used
    await hasher.sha256(join(dir, 'c')); // drops b
    expect(hasher.size).toBe(2);
    expect(hasher.reads).toBe(3);
    await hasher.sha256(join(dir, 'a'));
    expect(hasher.reads).toBe(3);
    await hasher.sha256(join(dir, 'b'));
    expect(hasher.reads).toBe(4);
  });

  it('rejects for a missing file', async () => {
    await expect(new FileContentHasher().sha256(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
