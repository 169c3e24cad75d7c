/** Batches this browser submitted (the API has no list of batches), newest first, at most 50. */
const RECENT = 'vidflow.batches';

export function recentBatches(): Array<{ id: string; at: string; total: number }> {
  try {
    return JSON.parse(localStorage.getItem(RECENT) ?? '[]') as Array<{ id: string; at: string; total: number }>;
  } catch {
    return [];
  }
}

export function rememberBatch(id: string, total: number): void {
  localStorage.setItem(RECENT, JSON.stringify([{ id, at: new Date().toISOString(), total }, ...recentBatches().filter((b) => b.id !== id)].slice(0, 50)));
}
