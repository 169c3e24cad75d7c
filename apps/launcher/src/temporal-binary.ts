import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Where scripts/setup.sh builds the Temporal CLI when none is installed (outside the clone, reused). */
export function cachedTemporalBin(env: NodeJS.ProcessEnv = process.env): string {
  const cacheHome = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheHome, 'vidflow', 'bin', 'temporal');
}

/** TEMPORAL_BIN, else `temporal` on PATH, else the cached build; undefined when there is none. */
export function findTemporalBinary(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (configured) return configured;
  const candidates = [...(env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'temporal')), cachedTemporalBin(env)];
  return candidates.find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
