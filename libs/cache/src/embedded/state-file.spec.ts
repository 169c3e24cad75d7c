import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CacheStoreError } from '../cache-errors';
import { emptyTotals } from '../metadata-store';
import { STATE_SLOT_BYTES, StateFile } from './state-file';

describe('StateFile', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vidflow-state-'));
    path = join(dir, 'state');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const withHits = (seq: number, hits: number) => {
    const totals = emptyTotals();
    totals.tts.hits = hits;
    return { seq, totals };
  };

  it('reads an absent file as empty totals at sequence 0', () => {
    expect(new StateFile(path).read()).toEqual({ seq: 0, totals: emptyTotals() });
  });

  it('writes versions into the two slots in turn and reads the newest', () => {
    const file = new StateFile(path);
    const state = withHits(0, 1);
    file.write(state); // seq 1 -> slot 1
    expect(state.seq).toBe(1);
    state.totals.tts.hits = 2;
    file.write(state); // seq 2 -> slot 0
    expect(statSync(path).size).toBe(2 * STATE_SLOT_BYTES);
    expect(new StateFile(path).read()).toEqual(withHits(2, 2));
  });

  it('falls back to the older slot when the newer one is torn, and to empty totals when both are', () => {
    const file = new StateFile(path);
    const state = withHits(0, 1);
    file.write(state); // slot 1: hits 1
    state.totals.tts.hits = 2;
    file.write(state); // slot 0: hits 2
    const bytes = readFileSync(path);
    bytes[100] ^= 0xff; // inside slot 0's payload
    writeFileSync(path, bytes);
    expect(file.read()).toEqual(withHits(1, 1));
    bytes[STATE_SLOT_BYTES + 100] ^= 0xff;
    writeFileSync(path, bytes);
    expect(file.read()).toEqual({ seq: 0, totals: emptyTotals() });
  });

  it('fills in stages a slot written by an older version lacks', () => {
    const file = new StateFile(path);
    const state = withHits(0, 3);
    file.write(state);
    const { tts } = state.totals;
    // What an older vidflow wrote: only the tts stage.
    const payload = JSON.stringify({ seq: 5, totals: { tts } });
    const hash = createHash('sha256').update(payload).digest('hex');
    const slot = Buffer.alloc(STATE_SLOT_BYTES, ' ');
    slot.write(`${hash}\n${payload}`);
    const bytes = readFileSync(path);
    slot.copy(bytes, 0);
    writeFileSync(path, bytes);
    expect(file.read()).toEqual({ seq: 5, totals: { ...emptyTotals(), tts } });
  });

  it('refuses a state larger than its slot instead of tearing the other one', () => {
    const totals = emptyTotals() as unknown as Record<string, unknown>;
    totals.huge = 'x'.repeat(STATE_SLOT_BYTES);
    expect(() => new StateFile(path).write({ seq: 0, totals: totals as never })).toThrow(CacheStoreError);
  });
});
