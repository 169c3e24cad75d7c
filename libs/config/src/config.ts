import { availableParallelism } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * Every setting vidflow reads, with a working single-machine default. This module is the only place
 * that reads `process.env`; apps call `loadConfig()` once at boot and pass the typed result around.
 * The README's configuration table and docker-compose.yml are checked against `CONFIG_KEYS` by a test.
 */
const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().min(1);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const envSchema = z.object({
  DATA_DIR: z.string().min(1).default('./.data'),
  MEDIA_DIR: z.string().min(1).optional(),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_UI_URL: z.string().url().optional(),
  TEMPORAL_BIN: z.string().min(1).optional(),
  TASK_QUEUE_IO: z.string().min(1).default('vidflow-io'),
  TASK_QUEUE_RENDER: z.string().min(1).default('vidflow-render'),
  TASK_QUEUE_LLM: z.string().min(1).default('vidflow-llm'),
  LLM_REQUESTS_PER_SECOND: z.coerce.number().positive().default(5),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  API_PUBLIC_URL: z.string().url().optional(),
  WORKER_IO_CONCURRENCY: positiveInt.default(16),
  WORKER_RENDER_CONCURRENCY: positiveInt.optional(),
  WORKER_WORKFLOW_CONCURRENCY: positiveInt.default(100),
  TTS_PARALLELISM: positiveInt.max(64).default(8),
  FFMPEG_PATH: z.string().min(1).default('ffmpeg'),
  FFPROBE_PATH: z.string().min(1).default('ffprobe'),
  ESPEAK_PATH: z.string().min(1).default('espeak-ng'),
  RENDER_PRESET: z
    .enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow'])
    .default('veryfast'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: bool.default(false),
});

export const CONFIG_KEYS = Object.keys(envSchema.shape) as Array<keyof typeof envSchema.shape>;

export interface VidflowConfig {
  dataDir: string;
  mediaDir: string;
  temporal: {
    /** host:port of the frontend; the launcher starts a dev server there unless TEMPORAL_ADDRESS was set. */
    address: string;
    external: boolean;
    namespace: string;
    port: number;
    uiPort: number;
    uiUrl: string;
    bin?: string;
  };
  taskQueues: { io: string; render: string; llm: string };
  /** Script-writing activities started per second across all workers (Temporal enforces it per task queue). */
  llmRequestsPerSecond: number;
  api: { host: string; port: number; publicUrl: string };
  worker: { ioConcurrency: number; renderConcurrency: number; workflowConcurrency: number };
  ttsParallelism: number;
  tools: { ffmpeg: string; ffprobe: string; espeak: string };
  renderPreset: string;
  log: { level: string; pretty: boolean };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): VidflowConfig {
  // Empty strings in the environment mean "unset" (docker-compose writes `FOO=` for blank values).
  const cleaned = Object.fromEntries(
    CONFIG_KEYS.filter((k) => env[k] !== undefined && env[k] !== '').map((k) => [k, env[k]]),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new ConfigError(`invalid configuration:\n${lines}`);
  }
  const e = parsed.data;
  const dataDir = absolute(e.DATA_DIR, cwd);
  const cores = availableParallelism();
  return {
    dataDir,
    mediaDir: e.MEDIA_DIR ? absolute(e.MEDIA_DIR, cwd) : join(dataDir, 'media'),
    temporal: {
      address: e.TEMPORAL_ADDRESS ?? `127.0.0.1:${e.TEMPORAL_PORT}`,
      external: e.TEMPORAL_ADDRESS !== undefined,
      namespace: e.TEMPORAL_NAMESPACE,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      uiUrl: (e.TEMPORAL_UI_URL ?? `http://localhost:${e.TEMPORAL_UI_PORT}`).replace(/\/$/, ''),
      bin: e.TEMPORAL_BIN,
    },
    taskQueues: { io: e.TASK_QUEUE_IO, render: e.TASK_QUEUE_RENDER, llm: e.TASK_QUEUE_LLM },
    llmRequestsPerSecond: e.LLM_REQUESTS_PER_SECOND,
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      publicUrl: (e.API_PUBLIC_URL ?? `http://localhost:${e.API_PORT}`).replace(/\/$/, ''),
    },
    worker: {
      ioConcurrency: e.WORKER_IO_CONCURRENCY,
      // x264 already spreads one encode over several threads; one render per two cores keeps the
      // machine busy without thrashing.
      renderConcurrency: e.WORKER_RENDER_CONCURRENCY ?? Math.max(1, Math.floor(cores / 2)),
      workflowConcurrency: e.WORKER_WORKFLOW_CONCURRENCY,
    },
    ttsParallelism: e.TTS_PARALLELISM,
    tools: { ffmpeg: e.FFMPEG_PATH, ffprobe: e.FFPROBE_PATH, espeak: e.ESPEAK_PATH },
    renderPreset: e.RENDER_PRESET,
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY },
  };
}

/** Absolute and normalised (no trailing slash, no `..`), so prefix checks against it are sound. */
function absolute(p: string, cwd: string): string {
  return isAbsolute(p) ? resolve(p) : resolve(cwd, p);
}
