import { UsageError } from './usage-error';

export interface CliConfig {
  /** Base URL of the API, without a trailing slash. */
  apiUrl: string;
  /** Sent as `Authorization: Bearer <key>` when set (the API needs it when it has API_KEYS). */
  apiKey?: string;
  /** How often `watch` and `batch --wait` poll the API. */
  pollIntervalMs: number;
}

export const DEFAULT_API_URL = 'http://localhost:3000';

/** The CLI's settings from the environment, read once in main.ts. */
export function readCliConfig(env: NodeJS.ProcessEnv): CliConfig {
  const raw = env.VIDFLOW_API_URL?.trim() || DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`VIDFLOW_API_URL is not a URL: "${raw}" (e.g. ${DEFAULT_API_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`VIDFLOW_API_URL must be an http(s) URL, got "${raw}"`);
  }
  const pollRaw = env.VIDFLOW_POLL_INTERVAL_MS?.trim();
  const poll = pollRaw ? Number(pollRaw) : 500;
  if (!Number.isInteger(poll) || poll < 50 || poll > 60_000) {
    throw new UsageError(`VIDFLOW_POLL_INTERVAL_MS must be a whole number of milliseconds (50..60000), got "${pollRaw}"`);
  }
  return {
    apiUrl: url.toString().replace(/\/+$/, ''),
    apiKey: env.VIDFLOW_API_KEY?.trim() || undefined,
    pollIntervalMs: poll,
  };
}
