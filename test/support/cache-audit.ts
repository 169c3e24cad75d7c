import { CACHE_STAGES, EmbeddedMetadataStore, LocalBlobStore } from '@vidflow/cache';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CacheAudit {
  /** Record files under meta/entries. */
  entries: number;
  /** Entries whose record parses, whose value is JSON and whose every file has the size and sha256 recorded. */
  valid: number;
  /** `key: reason` of every other entry. */
  corrupt: string[];
  /** Valid entries by stage. */
  byStage: Record<string, number>;
  /** What the store's own totals (GET /api/cache/stats) say the entry count is. */
  totalsEntries: number;
  /** Blob directories no record points at (files of a put whose metadata never committed). */
  orphanBlobDirs: number;
  /** Files and directories in the cache's tmp/ (puts in progress or cut short; swept by age). */
  tempLeftovers: number;
}

/**
 * Reads every entry of an embedded-metadata cache directory back, the way a lookup would but without
 * changing anything (a lookup drops what it finds corrupt, which would hide it): the record, its JSON value,
 * and each file's size and sha256 against the record.
 */
export async function auditCache(cacheDir: string): Promise<CacheAudit> {
  const blobs = new LocalBlobStore(cacheDir);
  const entriesDir = join(cacheDir, 'meta', 'entries');
  const audit: CacheAudit = { entries: 0, valid: 0, corrupt: [], byStage: {}, totalsEntries: 0, orphanBlobDirs: 0, tempLeftovers: 0 };
  /** `key/id` of every version a record points at. */
  const referenced = new Set<string>();
  for (const shard of list(entriesDir)) {
    for (const name of list(join(entriesDir, shard))) {
      audit.entries++;
      const key = name.replace(/\.json$/, '');
      const checked = await checkRecord(blobs, key, readFileSync(join(entriesDir, shard, name), 'utf8'));
      if (checked.id) referenced.add(`${key}/${checked.id}`);
      if (checked.problem) audit.corrupt.push(`${key}: ${checked.problem}`);
      else audit.byStage[checked.stage!] = (audit.byStage[checked.stage!] ?? 0) + 1;
    }
  }
  audit.valid = audit.entries - audit.corrupt.length;
  for (const shard of list(blobs.blobsDir)) {
    for (const key of list(join(blobs.blobsDir, shard))) {
      for (const id of list(join(blobs.blobsDir, shard, key))) if (!referenced.has(`${key}/${id}`)) audit.orphanBlobDirs++;
    }
  }
  const totals = await new EmbeddedMetadataStore({ dir: cacheDir }).totals();
  audit.totalsEntries = CACHE_STAGES.reduce((sum, stage) => sum + totals[stage].entries, 0);
  audit.tempLeftovers = list(blobs.tmpDir).length;
  return audit;
}

async function checkRecord(blobs: LocalBlobStore, key: string, text: string): Promise<{ id?: string; stage?: string; problem?: string }> {
  let record: { key?: string; id?: string; stage?: string; value?: string; files?: Record<string, { sha256: string; size: number }> };
  try {
    record = JSON.parse(text);
  } catch {
    return { problem: 'record is not JSON' };
  }
  const { id, stage } = record;
  if (record.key !== key || typeof id !== 'string' || typeof record.value !== 'string' || !record.files) return { id, problem: 'record is incomplete' };
  try {
    JSON.parse(record.value);
  } catch {
    return { id, problem: 'value is not JSON' };
  }
  if (!(await blobs.verify(key, id, record.files))) return { id, problem: 'a file is missing or differs from its recorded size and sha256' };
  return { id, stage };
}

function list(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}
