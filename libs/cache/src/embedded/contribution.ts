import { isCacheStage, type CacheStage } from '../cache-stage';
import { emptyTotals, type EntryRecord, type TotalsByStage } from '../metadata-store';

/** What one entry adds to the totals; null when the key has no (readable) entry. */
export type Contribution = { id: string; stage: CacheStage; bytes: number } | null;

export function contributionOf(record: EntryRecord): Contribution {
  return { id: record.id, stage: record.stage, bytes: record.bytes };
}

/** Adds (`sign` +1) or takes away (-1) one entry's share of the totals, in place. */
export function applyContribution(totals: TotalsByStage, contribution: Contribution, sign: 1 | -1): void {
  if (!contribution || !isCacheStage(contribution.stage)) return;
  totals[contribution.stage].entries += sign;
  totals[contribution.stage].bytes += sign * contribution.bytes;
}

/** Totals read from disk, with every stage present (a file written before a stage existed lacks it). */
export function normaliseTotals(value: Partial<TotalsByStage> | undefined): TotalsByStage {
  const totals = emptyTotals();
  for (const stage of Object.keys(totals) as CacheStage[]) Object.assign(totals[stage], value?.[stage]);
  return totals;
}
