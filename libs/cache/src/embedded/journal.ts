import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errnoCode } from '../errno-code';
import type { TotalsByStage } from '../metadata-store';
import { applyContribution, normaliseTotals, type Contribution } from './contribution';

export interface PendingChange {
  key: string;
  /** The state of the key that the journal's totals assume once the batch is done. */
  assumed: Contribution;
}

/** Written before a batch changes records, removed after it wrote the state. */
export interface JournalEntry {
  /** The totals once every change of the batch is on disk. */
  totals: TotalsByStage;
  pending: PendingChange[];
}

/**
 * The record changes of the batch in progress, so that a process dying halfway through a batch (some records
 * renamed or unlinked, the state not yet written) cannot leave the totals wrong: the next lock holder finds the
 * journal and settles it against what is on disk (`settleJournal`).
 */
export class Journal {
  constructor(private readonly options: { path: string; tmpDir: string }) {}

  /** Written to a temporary file and renamed into place: a reader sees the whole journal or none. */
  write(entry: JournalEntry): void {
    const staged = join(this.options.tmpDir, `meta-${randomUUID()}.json`);
    writeFileSync(staged, JSON.stringify(entry));
    renameSync(staged, this.options.path);
  }

  /** The journal of a batch that did not finish, if any. A torn one (power loss before the rename) is removed. */
  read(): JournalEntry | undefined {
    try {
      const parsed = JSON.parse(readFileSync(this.options.path, 'utf8')) as JournalEntry;
      return { totals: normaliseTotals(parsed.totals), pending: parsed.pending ?? [] };
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return undefined;
      // Torn before the batch changed anything: the state is still the truth.
      this.remove();
      return undefined;
    }
  }

  remove(): void {
    try {
      unlinkSync(this.options.path);
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
    }
  }
}

/**
 * The true totals after an unfinished batch: the journal's totals, corrected for each pending change that never
 * reached the disk (the key's record on disk is not the one the journal assumed).
 */
export function settleJournal(entry: JournalEntry, onDisk: (key: string) => Contribution): TotalsByStage {
  const totals = normaliseTotals(entry.totals);
  for (const { key, assumed } of entry.pending) {
    const actual = onDisk(key);
    if ((actual?.id ?? null) === (assumed?.id ?? null)) continue;
    applyContribution(totals, assumed, -1);
    applyContribution(totals, actual, +1);
  }
  return totals;
}
