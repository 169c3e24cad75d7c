/** How many finished runs' statuses an API process keeps in each memory. */
export const FINISHED_CACHE_SIZE = 10_000;

/** Bounded memory, oldest write first: past `FINISHED_CACHE_SIZE` entries the oldest goes. */
export function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  if (map.size >= FINISHED_CACHE_SIZE) map.delete(map.keys().next().value!);
  map.set(key, value);
}
