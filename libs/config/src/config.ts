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

function httpUrl(example: string) {
  return z.url({ protocol: /^https?$/, error: `must be an http(s) URL such as ${example}` });
}

export const envSchema = z.object({
  DATA_DIR: z.string().min(1).default('./.data'),
  MEDIA_DIR: z.string().min(1).optional(),
  MEDIA_ALLOW_PRIVATE_URLS: bool.default(false),
  MEDIA_DOWNLOAD_MAX_BYTES: positiveInt.default(200 * 1024 ** 2),
  MEDIA_DOWNLOAD_TIMEOUT_SECONDS: positiveInt.max(3600).default(60),
  WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/]+={0,2}( +whsec_[A-Za-z0-9+/]+={0,2})*$/, 'must be one or more space-separated whsec_<base64> secrets')
    .optional(),
  WEBHOOK_RETRY_HOURS: z.coerce.number().gt(0).max(24 * 30).default(24),
  WEBHOOK_TIMEOUT_SECONDS: positiveInt.max(300).default(15),
  WEBHOOK_ALLOW_PRIVATE_URLS: bool.default(false),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_UI_URL: z.string().url().optional(),
  TEMPORAL_BIN: z.string().min(1).optional(),
  TASK_QUEUE_IO: z.string().min(1).default('vidflow-io'),
  TASK_QUEUE_RENDER: z.string().min(1).default('vidflow-render'),
  TASK_QUEUE_LLM: z.string().min(1).default('vidflow-llm'),
  TASK_QUEUE_STT: z.string().min(1).default('vidflow-stt'),
  LLM_REQUESTS_PER_SECOND: z.coerce.number().positive().default(5),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  API_PUBLIC_URL: z.string().url().optional(),
  CORS_ORIGINS: z.string().default(''),
  STATUS_REFRESH_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  SLOW_REQUEST_MS: z.coerce.number().int().min(0).default(1000),
  UPLOAD_MAX_BYTES: positiveInt.default(2 * 1024 ** 3),
  UPLOAD_EXPIRY_SECONDS: positiveInt.default(24 * 3600),
  MEDIA_MAX_BYTES: positiveInt.default(512 * 1024 ** 2),
  WORKER_IO_CONCURRENCY: positiveInt.default(16),
  WORKER_RENDER_CONCURRENCY: positiveInt.optional(),
  WORKER_WORKFLOW_CONCURRENCY: positiveInt.default(100),
  WORKER_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  WORKER_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  WORKER_TEMPORAL_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
  SWEEP_GRACE_SECONDS: z.coerce.number().int().min(0).default(900),
  TTS_PARALLELISM: positiveInt.max(64).default(8),
  FFMPEG_PATH: z.string().min(1).default('ffmpeg'),
  FFPROBE_PATH: z.string().min(1).default('ffprobe'),
  ESPEAK_PATH: z.string().min(1).default('espeak-ng'),
  FLITE_PATH: z.string().min(1).default('flite'),
  FESTIVAL_PATH: z.string().min(1).default('festival'),
  // 19, not 10: the weight of a nice-10 thread is a tenth of the API's, but an encode has many threads (README).
  CHILD_NICE: z.coerce.number().int().min(0).max(19).default(19),
  WORKER_NICE: z.coerce.number().int().min(0).max(19).default(5),
  RENDER_PRESET: z
    .enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow'])
    .default('veryfast'),
  RENDER_CFR: bool.default(false),
  RENDER_ENCODER: z.enum(['auto', 'libx264', 'h264_nvenc', 'h264_qsv', 'h264_vaapi']).default('auto'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: bool.default(false),
  API_KEYS: z.string().optional(),
  CACHE_DIR: z.string().min(1).optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  CACHE_MAX_BYTES: positiveInt.default(10 * 1024 ** 3),
  CACHE_TTL_SECONDS: positiveInt.default(7 * 24 * 3600),
  CACHE_EVICT_TO: z.coerce.number().gt(0).max(1).default(0.9),
  CACHE_MAINTENANCE_INTERVAL_SECONDS: positiveInt.default(3600),
  RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).default(50),
  RATE_LIMIT_BURST: positiveInt.default(100),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: httpUrl('http://127.0.0.1:11434/v1').optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  OPENAI_TTS_MODEL: z.string().min(1).default('gpt-4o-mini-tts'),
  OPENAI_TTS_VOICE: z.string().min(1).default('alloy'),
  // One endpoint per provider kind (Ollama for text, Kokoro-FastAPI for speech, ...); each unset one falls back to OPENAI_*.
  LLM_BASE_URL: httpUrl('http://127.0.0.1:11434/v1').optional(),
  LLM_API_KEY: z.string().min(1).optional(),
  LLM_MODEL: z.string().min(1).optional(),
  TTS_BASE_URL: httpUrl('http://127.0.0.1:8880/v1').optional(),
  TTS_API_KEY: z.string().min(1).optional(),
  TTS_MODEL: z.string().min(1).optional(),
  TTS_VOICE: z.string().min(1).optional(),
  IMAGES_BASE_URL: httpUrl('http://127.0.0.1:7860/v1').optional(),
  IMAGES_API_KEY: z.string().min(1).optional(),
  IMAGES_MODEL: z.string().min(1).default('dall-e-3'),
  PEXELS_API_KEY: z.string().min(1).optional(),
  PEXELS_BASE_URL: httpUrl('https://api.pexels.com').default('https://api.pexels.com'),
  PIXABAY_API_KEY: z.string().min(1).optional(),
  PIXABAY_BASE_URL: httpUrl('https://pixabay.com').default('https://pixabay.com'),
  OPENAI_TIMEOUT_MS: positiveInt.default(60_000),
  OPENAI_MAX_CONNECTIONS: positiveInt.max(1024).default(16),
  STT_BASE_URL: httpUrl('http://127.0.0.1:8000/v1').optional(),
  STT_API_KEY: z.string().min(1).optional(),
  STT_MODEL: z.string().min(1).default('whisper-1'),
  STT_TIMEOUT_MS: positiveInt.default(300_000),
  STT_PARALLELISM: positiveInt.max(256).default(8),
  POCKETSPHINX_PATH: z.string().min(1).default('pocketsphinx_continuous'),
  WORKER_STT_CONCURRENCY: positiveInt.optional(),
  WORKER_TUNER: z.enum(['fixed', 'resource-based']).default('resource-based'),
  WORKER_TUNER_TARGET_CPU: z.coerce.number().gt(0).max(1).default(0.9),
  WORKER_TUNER_TARGET_MEMORY: z.coerce.number().gt(0).max(1).default(0.8),
  ARTIFACT_STORE: z.enum(['local', 's3']).default('local'),
  S3_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:8333' }).optional(),
  S3_BUCKET: z.string().min(3).max(63).regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, 'must be an S3 bucket name (a-z, 0-9, . and -)').optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: bool.default(true),
  S3_PRESIGNED_DOWNLOADS: bool.default(false),
  S3_PRESIGN_SECONDS: positiveInt.max(7 * 24 * 3600).default(300),
  // OpenTelemetry's standard variables (traces only, OTLP over HTTP with JSON bodies): tracing is on when an endpoint is set.
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl('http://127.0.0.1:4318').optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl('http://127.0.0.1:4318/v1/traces').optional(),
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .regex(/^\s*[^=,\s]+\s*=[^,]*(,\s*[^=,\s]+\s*=[^,]*)*$/, 'must be comma-separated key=value pairs (W3C baggage format)')
    .optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.literal('http/json', { error: 'only http/json is supported (OTLP over HTTP with JSON bodies)' }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  OTEL_SDK_DISABLED: bool.default(false),
});

export const CONFIG_KEYS = Object.keys(envSchema.shape) as Array<keyof typeof envSchema.shape>;

export interface VidflowConfig {
  dataDir: string;
  mediaDir: string;
  /** How render workers fetch http(s) media URLs (the API also uses `allowPrivate` to refuse literal private IPs early). */
  mediaDownload: {
    /** Let media URLs reach loopback, private, link-local and other non-public addresses (off: SSRF protection). */
    allowPrivate: boolean;
    /** Largest file one URL may deliver, checked against Content-Length and while streaming. */
    maxBytes: number;
    /** Whole download of one URL, redirects included. */
    timeoutSeconds: number;
  };
  /** Completion webhooks (callbackUrl): signing, retries and which addresses they may reach. */
  webhooks: WebhookConfig;
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
  taskQueues: { io: string; render: string; llm: string; stt: string };
  /** Script-writing activities started per second across all workers (Temporal enforces it per task queue). */
  llmRequestsPerSecond: number;
  api: {
    host: string;
    port: number;
    publicUrl: string;
    /** Origins allowed by CORS (`https://a.example`, or `*` for reads without credentials); empty: none. */
    corsOrigins: readonly string[];
    /** Requests that take longer than this are logged (warn) with their route; 0 turns it off. */
    slowRequestMs: number;
    /**
     * A running video's status is read from Temporal at most once per this many ms for all its readers and event
     * streams together; its close is pushed at once. 0: every read asks Temporal.
     */
    statusRefreshMs: number;
  };
  /**
   * Resumable (tus) uploads, stored under `dir` (DATA_DIR/uploads), or with ARTIFACT_STORE=s3 in the artifact bucket
   * (`dir` then holds only checksummed chunks while they are verified, in `spool/`).
   */
  uploads: {
    dir: string;
    /** Largest upload accepted (its Upload-Length); over it, 413 before a byte is stored. */
    maxBytes: number;
    /** An unfinished upload is removed this long after its creation. */
    expirySeconds: number;
  };
  /** The media library (/api/media) under DATA_DIR/library. */
  library: {
    dir: string;
    /** Largest file a multipart POST /api/media takes; over it 413 and nothing is kept (bigger files: a tus upload). */
    maxBytes: number;
  };
  worker: {
    ioConcurrency: number;
    renderConcurrency: number;
    workflowConcurrency: number;
    /** The worker's own health and metrics server (node:http); port 0 turns it off. */
    http: { host: string; port: number };
    /** Port of the Temporal SDK's Prometheus exporter (bound on http.host); 0 turns it off. */
    temporalMetricsPort: number;
    /** Speech-to-text activities one worker runs at once with the fixed tuner (the upper bound with the resource-based one). */
    sttConcurrency: number;
    /**
     * How the CPU-bound queues (speech-to-text and render) size their activity slots: `fixed` counts
     * (sttConcurrency, renderConcurrency), or Temporal's resource-based tuner, which starts another activity
     * only while the machine's CPU and memory use stay below the targets (0..1).
     */
    tuner: { kind: 'fixed' | 'resource-based'; targetCpuUsage: number; targetMemoryUsage: number };
    /** The folder sweeper leaves work/ and tmp/ folders that changed within this many seconds. */
    sweepGraceSeconds: number;
    /**
     * The nice value the worker process lowers itself to at start (WORKER_NICE; 0 leaves it): its own CPU work
     * (hashing files for cache keys, workflow activations, progress parsing) then yields to the API and Temporal,
     * while its children (CHILD_NICE) stay below it.
     */
    nice: number;
  };
  ttsParallelism: number;
  tools: { ffmpeg: string; ffprobe: string; espeak: string; flite: string; festival: string };
  /**
   * Nice value (0..19) of the CPU-heavy children the worker starts (ffmpeg, espeak-ng, pocketsphinx), so that
   * the API, Temporal and the worker's event loop stay responsive while they run; 0 leaves them at the worker's.
   */
  childNice: number;
  renderPreset: string;
  /** H.264 encoder of renders: `auto` uses a hardware one that a test encode at worker start finds working, else libx264. */
  renderEncoder: 'auto' | 'libx264' | 'h264_nvenc' | 'h264_qsv' | 'h264_vaapi';
  /** Write every frame at the declared fps (constant frame rate) instead of only the frames that change. */
  renderCfr: boolean;
  log: { level: string; pretty: boolean };
  auth: {
    /** Accepted API keys; empty means the API is open. Secret: never logged (non-enumerable). */
    readonly apiKeys: readonly string[];
  };
  cache: {
    dir: string;
    /** PostgreSQL for the cache's metadata when several machines share the artifact directory. Secret-bearing: not logged. */
    readonly databaseUrl?: string;
    maxBytes: number;
    ttlSeconds: number;
    evictTo: number;
    maintenanceIntervalSeconds: number;
    /**
     * Where the entries' files live: under `dir`, or (ARTIFACT_STORE=s3) in the bucket under `cache/`, `dir` then
     * holding this host's verified copies; with DATABASE_URL too, hosts sharing nothing but the network share hits.
     */
    files: 'local' | 'bucket';
  };
  /** Requests per second per API key (or per address when keys are off); 0 turns limiting off. */
  rateLimit: { perSecond: number; burst: number };
  /** Script writing: provider `openai` (chat completions) is there when its endpoint is configured. */
  llm: { openai?: OpenAiEndpoint };
  /** Speech: provider `openai` (`audio.speech`: OpenAI, Kokoro-FastAPI, openedai-speech). */
  tts: { openai?: OpenAiTtsEndpoint };
  /** Scene images: visuals provider `openai-images` (`images.generations`). */
  images: { openai?: OpenAiEndpoint };
  /** Stock video search per scene; each provider is there when its key is set. */
  stockMedia: { pexels?: StockMediaEndpoint; pixabay?: StockMediaEndpoint };
  stt: SttConfig;
  /** Where finished videos, cache files and uploads live: DATA_DIR (local) or an S3-compatible bucket. */
  artifacts: ArtifactsConfig;
  /** OpenTelemetry traces; undefined (tracing off: no SDK, no interceptors) unless an OTLP endpoint is set. */
  tracing?: TracingConfig;
}

export interface TracingConfig {
  /** Where spans are POSTed: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, else OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces`. */
  tracesUrl: string;
  /** OTEL_SERVICE_NAME; undefined: each app's own name (vidflow-api, vidflow-worker). */
  serviceName?: string;
  /** OTEL_EXPORTER_OTLP_HEADERS (a collector's API key, say). Secret-bearing: non-enumerable, never logged. */
  readonly headers: Record<string, string>;
}

export type ArtifactsConfig = { kind: 'local' } | { kind: 's3'; s3: S3Config };

export interface S3Config {
  /** Undefined means AWS itself (the SDK's endpoint for the region). */
  endpoint?: string;
  bucket: string;
  region: string;
  /** Secret: non-enumerable, never logged (with the secret key). Undefined: the SDK's default credential chain. */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  /** `http://host/bucket/key` instead of `http://bucket.host/key`: what SeaweedFS, MinIO and most self-hosted stores need. */
  forcePathStyle: boolean;
  /** GET /api/videos/:id/file answers 302 to a presigned URL instead of streaming through the API. */
  presignedDownloads: boolean;
  /** Lifetime of a presigned download URL. */
  presignSeconds: number;
}

/**
 * One OpenAI-compatible server of one provider kind. Each kind reads `<KIND>_BASE_URL`, `<KIND>_API_KEY` and
 * `<KIND>_MODEL`, and falls back to `OPENAI_*` for what is unset, so that one OpenAI key (or one
 * OPENAI_BASE_URL) still configures every kind. OPENAI_API_KEY belongs to OPENAI_BASE_URL's server (or
 * OpenAI's): it is never sent to a server named by a kind's own base URL. Undefined (the kind has no
 * `openai` provider) unless the kind has a base URL or a key after the fallback.
 */
export interface OpenAiEndpoint {
  /** Secret: never log it. Non-enumerable, so that logging or serialising the config leaves it out. */
  readonly apiKey?: string;
  /** Undefined means the SDK's default, https://api.openai.com/v1. */
  baseUrl?: string;
  /** Model used when a request names none. */
  model: string;
  /** Per request, until the response headers arrive (OPENAI_TIMEOUT_MS). */
  timeoutMs: number;
  /** Upper bound on open connections to this server from one worker process (OPENAI_MAX_CONNECTIONS). */
  maxConnections: number;
}

export interface StockMediaEndpoint {
  /** Secret: non-enumerable, never logged. */
  readonly apiKey: string;
  baseUrl: string;
  /** Per search request (OPENAI_TIMEOUT_MS: one setting for every remote provider's requests). */
  timeoutMs: number;
}

export interface OpenAiTtsEndpoint extends OpenAiEndpoint {
  /** Voice used when a request gives no `voice.name`. */
  voice: string;
}

/** Speech-to-text of transcriptions. */
export interface SttConfig {
  /** Chunks of one transcription transcribed at once (the workers' tuner bounds the machine as a whole). */
  parallelism: number;
  /** The `pocketsphinx_continuous` binary of the offline provider (Debian's pocketsphinx, 5prealpha). */
  pocketsphinxPath: string;
  /**
   * The `openai` provider: OpenAI's `audio.transcriptions` or any OpenAI-compatible server at STT_BASE_URL.
   * Undefined unless STT_BASE_URL, STT_API_KEY, OPENAI_BASE_URL or OPENAI_API_KEY is set (see OpenAiEndpoint).
   */
  openai?: SttOpenAiConfig;
}

export interface SttOpenAiConfig {
  /** STT_API_KEY, else (without STT_BASE_URL) OPENAI_API_KEY. Secret: non-enumerable, never logged. */
  readonly apiKey?: string;
  /** STT_BASE_URL, else OPENAI_BASE_URL; undefined means https://api.openai.com/v1. */
  baseUrl?: string;
  model: string;
  /** Per request, until the response starts (a long chunk on a slow CPU server takes a while). */
  timeoutMs: number;
}

export interface WebhookConfig {
  /**
   * WEBHOOK_SECRET split at spaces: every delivery is signed with each (one `v1,` signature per secret), so a
   * receiver can move to a new secret while the old one still verifies. Secret: non-enumerable, never logged.
   * Empty when unset: deliveries then carry no signature and the worker logs a warning once.
   */
  readonly secrets: string[];
  /** How long a delivery keeps being retried after the terminal status (5xx, 429, network errors). */
  retryHours: number;
  /** One attempt: connect, send and the receiver's answer. */
  timeoutSeconds: number;
  /** Let callback URLs reach loopback, private and other non-public addresses (tests, development). */
  allowPrivate: boolean;
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
    webhooks: webhookConfig(e),
    mediaDownload: {
      allowPrivate: e.MEDIA_ALLOW_PRIVATE_URLS,
      maxBytes: e.MEDIA_DOWNLOAD_MAX_BYTES,
      timeoutSeconds: e.MEDIA_DOWNLOAD_TIMEOUT_SECONDS,
    },
    temporal: {
      address: e.TEMPORAL_ADDRESS ?? `127.0.0.1:${e.TEMPORAL_PORT}`,
      external: e.TEMPORAL_ADDRESS !== undefined,
      namespace: e.TEMPORAL_NAMESPACE,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      uiUrl: (e.TEMPORAL_UI_URL ?? `http://localhost:${e.TEMPORAL_UI_PORT}`).replace(/\/$/, ''),
      bin: e.TEMPORAL_BIN,
    },
    taskQueues: { io: e.TASK_QUEUE_IO, render: e.TASK_QUEUE_RENDER, llm: e.TASK_QUEUE_LLM, stt: e.TASK_QUEUE_STT },
    llmRequestsPerSecond: e.LLM_REQUESTS_PER_SECOND,
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      publicUrl: (e.API_PUBLIC_URL ?? `http://localhost:${e.API_PORT}`).replace(/\/$/, ''),
      corsOrigins: e.CORS_ORIGINS.split(',')
        .map((o) => o.trim().replace(/\/$/, ''))
        .filter(Boolean),
      slowRequestMs: e.SLOW_REQUEST_MS,
      statusRefreshMs: e.STATUS_REFRESH_MS,
    },
    uploads: { dir: join(dataDir, 'uploads'), maxBytes: e.UPLOAD_MAX_BYTES, expirySeconds: e.UPLOAD_EXPIRY_SECONDS },
    library: { dir: join(dataDir, 'library'), maxBytes: e.MEDIA_MAX_BYTES },
    worker: {
      ioConcurrency: e.WORKER_IO_CONCURRENCY,
      // x264 already spreads one encode over several threads; one render per two cores keeps the
      // machine busy without thrashing.
      renderConcurrency: e.WORKER_RENDER_CONCURRENCY ?? Math.max(1, Math.floor(cores / 2)),
      workflowConcurrency: e.WORKER_WORKFLOW_CONCURRENCY,
      http: { host: e.WORKER_HTTP_HOST, port: e.WORKER_HTTP_PORT },
      temporalMetricsPort: e.WORKER_TEMPORAL_METRICS_PORT,
      // One recogniser process per core: PocketSphinx is single-threaded.
      sttConcurrency: e.WORKER_STT_CONCURRENCY ?? cores,
      tuner: { kind: e.WORKER_TUNER, targetCpuUsage: e.WORKER_TUNER_TARGET_CPU, targetMemoryUsage: e.WORKER_TUNER_TARGET_MEMORY },
      sweepGraceSeconds: e.SWEEP_GRACE_SECONDS,
      nice: e.WORKER_NICE,
    },
    ttsParallelism: e.TTS_PARALLELISM,
    tools: { ffmpeg: e.FFMPEG_PATH, ffprobe: e.FFPROBE_PATH, espeak: e.ESPEAK_PATH, flite: e.FLITE_PATH, festival: e.FESTIVAL_PATH },
    childNice: e.CHILD_NICE,
    renderPreset: e.RENDER_PRESET,
    renderEncoder: e.RENDER_ENCODER,
    renderCfr: e.RENDER_CFR,
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY },
    auth: authConfig(e.API_KEYS),
    cache: cacheConfig(e, dataDir, cwd),
    rateLimit: { perSecond: e.RATE_LIMIT_PER_SECOND, burst: e.RATE_LIMIT_BURST },
    llm: { openai: openAiEndpoint(e, { baseUrl: e.LLM_BASE_URL, apiKey: e.LLM_API_KEY, model: e.LLM_MODEL ?? e.OPENAI_MODEL }) },
    tts: { openai: openAiTtsEndpoint(e) },
    images: { openai: openAiEndpoint(e, { baseUrl: e.IMAGES_BASE_URL, apiKey: e.IMAGES_API_KEY, model: e.IMAGES_MODEL }) },
    stockMedia: {
      pexels: stockMediaEndpoint(e.PEXELS_API_KEY, e.PEXELS_BASE_URL, e.OPENAI_TIMEOUT_MS),
      pixabay: stockMediaEndpoint(e.PIXABAY_API_KEY, e.PIXABAY_BASE_URL, e.OPENAI_TIMEOUT_MS),
    },
    stt: { parallelism: e.STT_PARALLELISM, pocketsphinxPath: e.POCKETSPHINX_PATH, openai: sttOpenAiConfig(e) },
    artifacts: artifactsConfig(e),
    tracing: tracingConfig(e),
  };
}

function tracingConfig(e: z.output<typeof envSchema>): TracingConfig | undefined {
  if (e.OTEL_SDK_DISABLED) return undefined;
  const tracesUrl = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (e.OTEL_EXPORTER_OTLP_ENDPOINT && `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces`);
  if (!tracesUrl) return undefined;
  const headers = Object.fromEntries(
    (e.OTEL_EXPORTER_OTLP_HEADERS ?? '')
      .split(',')
      .filter((pair) => pair.includes('='))
      .map((pair) => {
        const at = pair.indexOf('=');
        const key = pair.slice(0, at).trim();
        try {
          return [key, decodeURIComponent(pair.slice(at + 1).trim())];
        } catch {
          throw new ConfigError(`invalid configuration:\n  OTEL_EXPORTER_OTLP_HEADERS: the value of ${key} is not valid percent-encoding`);
        }
      }),
  );
  const config = { tracesUrl, ...(e.OTEL_SERVICE_NAME ? { serviceName: e.OTEL_SERVICE_NAME } : {}) } as TracingConfig;
  Object.defineProperty(config, 'headers', { value: headers, enumerable: false });
  return config;
}

function artifactsConfig(e: z.output<typeof envSchema>): ArtifactsConfig {
  if (e.ARTIFACT_STORE === 'local') return { kind: 'local' };
  if (e.S3_BUCKET === undefined) throw new ConfigError('invalid configuration:\n  S3_BUCKET: required when ARTIFACT_STORE=s3');
  if ((e.S3_ACCESS_KEY_ID === undefined) !== (e.S3_SECRET_ACCESS_KEY === undefined)) {
    throw new ConfigError('invalid configuration:\n  S3_SECRET_ACCESS_KEY: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together');
  }
  const s3 = {
    endpoint: e.S3_ENDPOINT?.replace(/\/$/, ''),
    bucket: e.S3_BUCKET,
    region: e.S3_REGION,
    forcePathStyle: e.S3_FORCE_PATH_STYLE,
    presignedDownloads: e.S3_PRESIGNED_DOWNLOADS,
    presignSeconds: e.S3_PRESIGN_SECONDS,
  } as S3Config;
  const credentials =
    e.S3_ACCESS_KEY_ID !== undefined ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY! } : undefined;
  // Kept out of JSON.stringify, util.inspect and spreads, so a logged config never shows the keys.
  Object.defineProperty(s3, 'credentials', { value: credentials, enumerable: false });
  return { kind: 's3', s3 };
}

function webhookConfig(e: z.output<typeof envSchema>): WebhookConfig {
  const config = { retryHours: e.WEBHOOK_RETRY_HOURS, timeoutSeconds: e.WEBHOOK_TIMEOUT_SECONDS, allowPrivate: e.WEBHOOK_ALLOW_PRIVATE_URLS } as WebhookConfig;
  const secrets = (e.WEBHOOK_SECRET ?? '').split(' ').filter(Boolean);
  return Object.defineProperty(config, 'secrets', { value: secrets, enumerable: false });
}

/** A kind's own base URL and key, else OPENAI_BASE_URL and OPENAI_API_KEY; a kind's own server never gets OPENAI_API_KEY. */
function endpointAddress(e: z.output<typeof envSchema>, own: { baseUrl?: string; apiKey?: string }): { baseUrl?: string; apiKey?: string } | undefined {
  const baseUrl = (own.baseUrl ?? e.OPENAI_BASE_URL)?.replace(/\/$/, '');
  const apiKey = own.apiKey ?? (own.baseUrl === undefined ? e.OPENAI_API_KEY : undefined);
  if (baseUrl === undefined && apiKey === undefined) return undefined;
  return { baseUrl, apiKey };
}

function openAiEndpoint(e: z.output<typeof envSchema>, own: { baseUrl?: string; apiKey?: string; model: string }): OpenAiEndpoint | undefined {
  const address = endpointAddress(e, own);
  if (!address) return undefined;
  const config: OpenAiEndpoint = { baseUrl: address.baseUrl, model: own.model, timeoutMs: e.OPENAI_TIMEOUT_MS, maxConnections: e.OPENAI_MAX_CONNECTIONS };
  // Kept out of JSON.stringify, util.inspect and object spreads, so a logged config never shows it.
  Object.defineProperty(config, 'apiKey', { value: address.apiKey, enumerable: false });
  return config;
}

function openAiTtsEndpoint(e: z.output<typeof envSchema>): OpenAiTtsEndpoint | undefined {
  const endpoint = openAiEndpoint(e, { baseUrl: e.TTS_BASE_URL, apiKey: e.TTS_API_KEY, model: e.TTS_MODEL ?? e.OPENAI_TTS_MODEL });
  if (!endpoint) return undefined;
  // Assigned, not spread: a spread would drop the non-enumerable key.
  return Object.assign(endpoint, { voice: e.TTS_VOICE ?? e.OPENAI_TTS_VOICE });
}

function stockMediaEndpoint(apiKey: string | undefined, baseUrl: string, timeoutMs: number): StockMediaEndpoint | undefined {
  if (apiKey === undefined) return undefined;
  const config = { baseUrl: baseUrl.replace(/\/$/, ''), timeoutMs } as StockMediaEndpoint;
  Object.defineProperty(config, 'apiKey', { value: apiKey, enumerable: false });
  return config;
}

function sttOpenAiConfig(e: z.output<typeof envSchema>): SttOpenAiConfig | undefined {
  const address = endpointAddress(e, { baseUrl: e.STT_BASE_URL, apiKey: e.STT_API_KEY });
  if (!address) return undefined;
  const config: SttOpenAiConfig = { baseUrl: address.baseUrl, model: e.STT_MODEL, timeoutMs: e.STT_TIMEOUT_MS };
  Object.defineProperty(config, 'apiKey', { value: address.apiKey, enumerable: false });
  return config;
}

/** Absolute and normalised (no trailing slash, no `..`), so prefix checks against it are sound. */
function absolute(p: string, cwd: string): string {
  return isAbsolute(p) ? resolve(p) : resolve(cwd, p);
}

function authConfig(keys: string | undefined): VidflowConfig['auth'] {
  const list = (keys ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const auth = {} as VidflowConfig['auth'];
  // Kept out of JSON.stringify, util.inspect and spreads, so that a logged config never shows a key.
  Object.defineProperty(auth, 'apiKeys', { value: Object.freeze(list), enumerable: false });
  return auth;
}

function cacheConfig(e: z.output<typeof envSchema>, dataDir: string, cwd: string): VidflowConfig['cache'] {
  const cache = {
    dir: e.CACHE_DIR ? absolute(e.CACHE_DIR, cwd) : join(dataDir, 'cache'),
    maxBytes: e.CACHE_MAX_BYTES,
    ttlSeconds: e.CACHE_TTL_SECONDS,
    evictTo: e.CACHE_EVICT_TO,
    maintenanceIntervalSeconds: e.CACHE_MAINTENANCE_INTERVAL_SECONDS,
    // With finished videos in the bucket, the cache's files go there too: a host then hits what another made.
    files: e.ARTIFACT_STORE === 's3' ? 'bucket' : 'local',
  } as VidflowConfig['cache'];
  // A database URL may carry a password: kept out of logs and serialised configs.
  Object.defineProperty(cache, 'databaseUrl', { value: e.DATABASE_URL, enumerable: false });
  return cache;
}
