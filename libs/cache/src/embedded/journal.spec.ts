import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyTotals } from '../metadata-store';
import { Journal, settleJournal } from './journal';

describe('Journal', () => {
  let dir: string;
  let journal: Journal;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vidflow-journal-'));
    journal = new Journal({ path: join(dir, 'journal.json'), tmpDir: dir });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back what it wrote, leaves no temporary file, and reads nothing once removed', () => {
    const entry = { totals: emptyTotals(), pending: [{ key: 'k1', assumed: null }] };
    journal.write(entry);
    expect(readdirSync(dir)).toEqual(['journal.json']);
    expect(journal.read()).toEqual(entry);
    journal.remove();
    expect(journal.read()).toBeUndefined();
    journal.remove(); // removing twice is no error
  });

  it('removes a torn journal and reports none (the state is still the truth)', () => {
    writeFileSync(join(dir, 'journal.json'), '{"totals":{"tts":');
    expect(journal.read()).toBeUndefined();
    expect(existsSync(join(dir, 'journal.json'))).toBe(false);
  });
});

describe('settleJournal', () => {
  const totals = (entries: number, bytes: number) => {
    const t = emptyTotals();
    Object.assign(t.tts, { entries, bytes });
    return t;
  };

  it('keeps the journal totals for changes that reached the disk', () => {
    const entry = { totals: totals(1, 70), pending: [{ key: 'a', assumed: { id: 'a2', stage: 'tts' as const, bytes: 70 } }] };
    expect(settleJournal(entry, () => ({ id: 'a2', stage: 'tts', bytes: 70 })).tts).toMatchObject({ entries: 1, bytes: 70 });
  });

  it('undoes an insert that never happened and a removal that never happened', () => {
    const entry = {
      // Meant: add key a (70 bytes), remove key b (30 bytes); from entries 1 / 30 bytes to 1 / 70.
      totals: totals(1, 70),
      pending: [
        { key: 'a', assumed: { id: 'a1', stage: 'tts' as const, bytes: 70 } },
        { key: 'b', assumed: null },
      ],
    };
    const disk = { a: null, b: { id: 'b1', stage: 'tts' as const, bytes: 30 } };
    expect(settleJournal(entry, (key) => disk[key as 'a' | 'b']).tts).toMatchObject({ entries: 1, bytes: 30 });
  });

  it('counts the version on disk when a replacement did not land', () => {
    const entry = { totals: totals(1, 70), pending: [{ key: 'a', assumed: { id: 'new', stage: 'tts' as const, bytes: 70 } }] };
    expect(settleJournal(entry, () => ({ id: 'old', stage: 'tts', bytes: 20 })).tts).toMatchObject({ entries: 1, bytes: 20 });
  });
});
