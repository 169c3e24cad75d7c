import { availableParallelism } from 'node:os';
import { inspect } from 'node:util';
import { join } from 'node:path';
import { ConfigError, CONFIG_KEYS, loadConfig } from './config';

const cwd = '/srv/vidflow';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env, cwd);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}

describe('loadConfig', () => {
  it('works with an empty environment, with single-machine defaults', () => {
    expect(loadConfig({}, cwd)).toEqual({
      dataDir: '/srv/vidflow/.data',
      mediaDir: '/srv/vidflow/.data/media',
      mediaDownload: { allowPrivate: false, maxBytes: 200 * 1024 ** 2, timeoutSeconds: 60 },
      webhooks: { retryHours: 24, timeoutSeconds: 15, allowPrivate: false },
      temporal: {
        address: '127.0.0.1:7233',
        external: false,
        namespace: 'default',
        port: 7233,
        uiPort: 8233,
        uiUrl: 'http://localhost:8233',
        bin: undefined,
      },
      taskQueues: { io: 'vidflow-io', render: 'vidflow-render', llm: 'vidflow-llm', stt: 'vidflow-stt' },
      llmRequestsPerSecond: 5,
      api: { host: '127.0.0.1', port: 3000, publicUrl: 'http://localhost:3000', corsOrigins: [], slowRequestMs: 1000, statusRefreshMs: 250 },
      uploads: { dir: '/srv/vidflow/.data/uploads', maxBytes: 2 * 1024 ** 3, expirySeconds: 86400 },
      library: { dir: '/srv/vidflow/.data/library', maxBytes: 512 * 1024 ** 2 },
      worker: {
        ioConcurrency: 16,
        renderConcurrency: Math.max(1, Math.floor(availableParallelism() / 2)),
        workflowConcurrency: 100,
        http: { host: '127.0.0.1', port: 9464 },
        temporalMetricsPort: 9465,
        sttConcurrency: availableParallelism(),
        tuner: { kind: 'resource-based', targetCpuUsage: 0.9, targetMemoryUsage: 0.8 },
        sweepGraceSeconds: 900,
        nice: 5,
      },
      ttsParallelism: 8,
      tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe', espeak: 'espeak-ng', flite: 'flite', festival: 'festival' },
      childNice: 19,
      renderEncoder: 'auto',
      renderPreset: 'veryfast',
      renderCfr: false,
      auth: {},
      rateLimit: { perSecond: 50, burst: 100 },
      cache: {
        dir: '/srv/vidflow/.data/cache',
        maxBytes: 10 * 1024 ** 3,
        ttlSeconds: 7 * 24 * 3600,
        evictTo: 0.9,
        maintenanceIntervalSeconds: 3600,
        files: 'local',
      },
      log: { level: 'info', pretty: false },
      llm: { openai: undefined },
      tts: { openai: undefined },
      images: { openai: undefined },
      stockMedia: { pexels: undefined, pixabay: undefined },
      stt: { parallelism: 8, pocketsphinxPath: 'pocketsphinx_continuous', openai: undefined },
      artifacts: { kind: 'local' },
    });
  });

  it('resolves a relative DATA_DIR against cwd and puts MEDIA_DIR under it by default', () => {
    const c = loadConfig({ DATA_DIR: 'var/data' }, cwd);
    expect(c.dataDir).toBe('/srv/vidflow/var/data');
    expect(c.mediaDir).toBe(join('/srv/vidflow/var/data', 'media'));
    expect(loadConfig({ DATA_DIR: '../shared' }, cwd).dataDir).toBe('/srv/shared');
  });

  it('keeps an absolute DATA_DIR and honours an explicit MEDIA_DIR (relative to cwd)', () => {
    const c = loadConfig({ DATA_DIR: '/mnt/store', MEDIA_DIR: 'assets' }, cwd);
    expect(c.dataDir).toBe('/mnt/store');
    expect(c.mediaDir).toBe('/srv/vidflow/assets');
  });

  it('reads the media URL download settings; private addresses stay refused unless allowed', () => {
    const c = loadConfig({ MEDIA_ALLOW_PRIVATE_URLS: 'true', MEDIA_DOWNLOAD_MAX_BYTES: '1048576', MEDIA_DOWNLOAD_TIMEOUT_SECONDS: '5' }, cwd);
    expect(c.mediaDownload).toEqual({ allowPrivate: true, maxBytes: 1048576, timeoutSeconds: 5 });
    expect(configError({ MEDIA_ALLOW_PRIVATE_URLS: 'sure' }).message).toMatch(/^\s*MEDIA_ALLOW_PRIVATE_URLS: /m);
    expect(configError({ MEDIA_DOWNLOAD_MAX_BYTES: '0' }).message).toMatch(/^\s*MEDIA_DOWNLOAD_MAX_BYTES: /m);
    expect(configError({ MEDIA_DOWNLOAD_TIMEOUT_SECONDS: '3601' }).message).toMatch(/^\s*MEDIA_DOWNLOAD_TIMEOUT_SECONDS: /m);
  });

  it('reads the webhook settings: several secrets for rotation, kept out of serialisation', () => {
    const c = loadConfig({ WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw whsec_bmV3', WEBHOOK_RETRY_HOURS: '0.5', WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }, cwd);
    expect(c.webhooks.secrets).toEqual(['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_bmV3']);
    expect(c.webhooks).toMatchObject({ retryHours: 0.5, allowPrivate: true });
    expect(JSON.stringify(c)).not.toContain('whsec_');
    expect(loadConfig({}, cwd).webhooks.secrets).toEqual([]);
    expect(configError({ WEBHOOK_SECRET: 'hunter2' }).message).toMatch(/^\s*WEBHOOK_SECRET: must be one or more/m);
    expect(configError({ WEBHOOK_RETRY_HOURS: '0' }).message).toMatch(/^\s*WEBHOOK_RETRY_HOURS: /m);
  });

  it('uses an external Temporal when TEMPORAL_ADDRESS is set', () => {
    const c = loadConfig({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_NAMESPACE: 'prod' }, cwd);
    expect(c.temporal).toMatchObject({ address: 'temporal.internal:7233', external: true, namespace: 'prod' });
  });

  it('derives the local Temporal address from TEMPORAL_PORT', () => {
    expect(loadConfig({ TEMPORAL_PORT: '7400' }, cwd).temporal).toMatchObject({ address: '127.0.0.1:7400', external: false, port: 7400 });
  });

  it('coerces numbers and booleans and drops a trailing slash from public URLs', () => {
    const c = loadConfig(
      { API_PORT: '8080', LOG_PRETTY: 'yes', WORKER_RENDER_CONCURRENCY: '3', API_PUBLIC_URL: 'https://v.example.com/', TEMPORAL_UI_URL: 'http://t:8233/' },
      cwd,
    );
    expect(c.api).toEqual({ host: '127.0.0.1', port: 8080, publicUrl: 'https://v.example.com', corsOrigins: [], slowRequestMs: 1000, statusRefreshMs: 250 });
    expect(c.log.pretty).toBe(true);
    expect(c.worker.renderConcurrency).toBe(3);
    expect(c.temporal.uiUrl).toBe('http://t:8233');
    expect(loadConfig({ API_PORT: '8080' }, cwd).api.publicUrl).toBe('http://localhost:8080');
  });

  it('reads CORS_ORIGINS as a comma-separated list without trailing slashes or empty entries', () => {
    expect(loadConfig({ CORS_ORIGINS: ' https://a.example/, ,http://b.example:8080' }, cwd).api.corsOrigins).toEqual(['https://a.example', 'http://b.example:8080']);
    expect(loadConfig({ CORS_ORIGINS: '*' }, cwd).api.corsOrigins).toEqual(['*']);
    expect(loadConfig({ SLOW_REQUEST_MS: '250' }, cwd).api.slowRequestMs).toBe(250);
    expect(() => loadConfig({ SLOW_REQUEST_MS: '-1' }, cwd)).toThrow(/SLOW_REQUEST_MS/);
  });

  it.each(['abc', '0', '65536', '80.5', '-1'])('rejects API_PORT=%j with a ConfigError naming API_PORT', (value) => {
    const err = configError({ API_PORT: value });
    expect(err.name).toBe('ConfigError');
    expect(err.message).toMatch(/^\s*API_PORT: /m);
  });

  it('names every invalid setting at once', () => {
    const err = configError({ API_PORT: 'x', TTS_PARALLELISM: '65', RENDER_PRESET: 'turbo', LOG_PRETTY: 'maybe' });
    for (const key of ['API_PORT', 'TTS_PARALLELISM', 'RENDER_PRESET', 'LOG_PRETTY']) expect(err.message).toContain(`${key}:`);
  });

  it('reads WORKER_NICE (default 5, 0 turns it off) and refuses values setpriority cannot take', () => {
    expect(loadConfig({}, cwd).worker.nice).toBe(5);
    expect(loadConfig({ WORKER_NICE: '0' }, cwd).worker.nice).toBe(0);
    expect(configError({ WORKER_NICE: '20' }).message).toContain('WORKER_NICE');
    expect(configError({ WORKER_NICE: 'low' }).message).toContain('WORKER_NICE');
  });

  it('reads CHILD_NICE (0 turns it off) and refuses values setpriority cannot take', () => {
    expect(loadConfig({ CHILD_NICE: '0' }, cwd).childNice).toBe(0);
    expect(loadConfig({ CHILD_NICE: '19' }, cwd).childNice).toBe(19);
    expect(configError({ CHILD_NICE: '20' }).message).toContain('CHILD_NICE');
    expect(configError({ CHILD_NICE: '-5' }).message).toContain('CHILD_NICE');
  });

  it('treats empty strings as unset', () => {
    const blank = Object.fromEntries(CONFIG_KEYS.map((k) => [k, '']));
    expect(loadConfig(blank, cwd)).toEqual(loadConfig({}, cwd));
    expect(loadConfig({ API_PORT: '', TEMPORAL_ADDRESS: '' }, cwd)).toMatchObject({
      api: { port: 3000 },
      temporal: { external: false },
    });
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ PATH: '/usr/bin', HOME: '/root', API_PORTT: 'x' }, cwd)).toEqual(loadConfig({}, cwd));
  });

  it('normalises DATA_DIR (trailing slash, ..) so that prefix checks against it hold', () => {
    expect(loadConfig({ DATA_DIR: '/data/' }, '/').dataDir).toBe('/data');
    expect(loadConfig({ DATA_DIR: '/srv/x/../data' }, '/').dataDir).toBe('/srv/data');
  });

  it('reads the worker health/metrics server settings; port 0 turns a server off', () => {
    const c = loadConfig({ WORKER_HTTP_HOST: '0.0.0.0', WORKER_HTTP_PORT: '0', WORKER_TEMPORAL_METRICS_PORT: '9999' }, cwd);
    expect(c.worker.http).toEqual({ host: '0.0.0.0', port: 0 });
    expect(c.worker.temporalMetricsPort).toBe(9999);
    for (const key of ['WORKER_HTTP_PORT', 'WORKER_TEMPORAL_METRICS_PORT']) {
      expect(configError({ [key]: '65536' }).message).toMatch(new RegExp(`^\\s*${key}: `, 'm'));
      expect(configError({ [key]: '-1' }).message).toContain(`${key}:`);
    }
  });

  describe('OpenAI-compatible endpoints per provider kind', () => {
    it('configures every kind from OPENAI_API_KEY alone, with defaults for the rest (today\'s configuration)', () => {
      const c = loadConfig({ OPENAI_API_KEY: 'sk-test' }, cwd);
      const common = { baseUrl: undefined, timeoutMs: 60_000, maxConnections: 16 };
      expect(c.llm.openai).toEqual({ ...common, model: 'gpt-4o-mini' });
      expect(c.tts.openai).toEqual({ ...common, model: 'gpt-4o-mini-tts', voice: 'alloy' });
      expect(c.images.openai).toEqual({ ...common, model: 'dall-e-3' });
      for (const endpoint of [c.llm.openai, c.tts.openai, c.images.openai, c.stt.openai]) expect(endpoint!.apiKey).toBe('sk-test');
    });

    it('configures every kind from OPENAI_BASE_URL alone (a local OpenAI-compatible server needs no key)', () => {
      const c = loadConfig(
        { OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1/', OPENAI_MODEL: 'llama3.2', OPENAI_TTS_VOICE: 'nova', OPENAI_TIMEOUT_MS: '5000', OPENAI_MAX_CONNECTIONS: '4' },
        cwd,
      );
      expect(c.llm.openai).toEqual({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2', timeoutMs: 5000, maxConnections: 4 });
      expect(c.tts.openai).toMatchObject({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'gpt-4o-mini-tts', voice: 'nova' });
      expect(c.images.openai!.baseUrl).toBe('http://127.0.0.1:11434/v1');
      expect(c.stt.openai!.baseUrl).toBe('http://127.0.0.1:11434/v1');
      expect(c.llm.openai!.apiKey).toBeUndefined();
    });

    it('gives each kind its own server, key and model; what a kind leaves unset comes from OPENAI_*', () => {
      const c = loadConfig(
        {
          OPENAI_API_KEY: 'sk-openai',
          OPENAI_MODEL: 'gpt-4o',
          LLM_BASE_URL: 'http://127.0.0.1:11434/v1/',
          LLM_MODEL: 'llama3.2',
          TTS_BASE_URL: 'http://127.0.0.1:8880/v1',
          TTS_API_KEY: 'kokoro-key',
          TTS_MODEL: 'kokoro',
          TTS_VOICE: 'af_bella',
          IMAGES_MODEL: 'gpt-image-1',
        },
        cwd,
      );
      expect(c.llm.openai).toMatchObject({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2' });
      expect(c.tts.openai).toMatchObject({ baseUrl: 'http://127.0.0.1:8880/v1', model: 'kokoro', voice: 'af_bella' });
      expect(c.tts.openai!.apiKey).toBe('kokoro-key');
      // IMAGES_* names no server: OpenAI itself, with OpenAI's key.
      expect(c.images.openai).toMatchObject({ baseUrl: undefined, model: 'gpt-image-1' });
      expect(c.images.openai!.apiKey).toBe('sk-openai');
    });

    it('never sends OPENAI_API_KEY to a server named by a kind\'s own base URL', () => {
      const c = loadConfig({ OPENAI_API_KEY: 'sk-openai', LLM_BASE_URL: 'http://10.0.0.5/v1', TTS_BASE_URL: 'http://10.0.0.6/v1', IMAGES_BASE_URL: 'http://10.0.0.7/v1' }, cwd);
      expect(c.llm.openai!.apiKey).toBeUndefined();
      expect(c.tts.openai!.apiKey).toBeUndefined();
      expect(c.images.openai!.apiKey).toBeUndefined();
    });

    it('configures one kind alone: its own key or base URL enables only that kind', () => {
      const c = loadConfig({ TTS_BASE_URL: 'http://127.0.0.1:8880/v1' }, cwd);
      expect(c.tts.openai).toMatchObject({ baseUrl: 'http://127.0.0.1:8880/v1', voice: 'alloy' });
      expect(c.llm.openai).toBeUndefined();
      expect(c.images.openai).toBeUndefined();
      expect(c.stt.openai).toBeUndefined();
      expect(loadConfig({ LLM_API_KEY: 'sk-llm' }, cwd).llm.openai!.apiKey).toBe('sk-llm');
    });

    it('stays undefined when only models or limits are set', () => {
      const c = loadConfig({ OPENAI_MODEL: 'gpt-4o', OPENAI_TTS_VOICE: 'nova', LLM_MODEL: 'x', TTS_VOICE: 'y' }, cwd);
      expect([c.llm.openai, c.tts.openai, c.images.openai]).toEqual([undefined, undefined, undefined]);
    });

    it('never shows a key when the config is logged or serialised', () => {
      const config = loadConfig({ OPENAI_API_KEY: 'sk-secret-123', TTS_API_KEY: 'sk-tts-456', LLM_API_KEY: 'sk-llm-789', IMAGES_API_KEY: 'sk-img-000' }, cwd);
      for (const secret of ['sk-secret-123', 'sk-tts-456', 'sk-llm-789', 'sk-img-000']) {
        expect(JSON.stringify(config)).not.toContain(secret);
        expect(inspect(config, { depth: 10 })).not.toContain(secret);
      }
      expect(config.tts.openai!.apiKey).toBe('sk-tts-456');
    });

    it.each([
      ['OPENAI_BASE_URL', 'localhost:11434'],
      ['LLM_BASE_URL', 'ftp://10.0.0.1/v1'],
      ['TTS_BASE_URL', '127.0.0.1:8880'],
      ['IMAGES_BASE_URL', 'images'],
      ['OPENAI_TIMEOUT_MS', '0'],
      ['OPENAI_MAX_CONNECTIONS', 'many'],
    ])('rejects %s=%j naming the variable', (key, value) => {
      expect(configError({ [key]: value }).message).toMatch(new RegExp(`^\\s*${key}: `, 'm'));
    });
  });

  describe('stock media', () => {
    it('has a provider per key, with the public API as the default base URL, and hides the keys', () => {
      const c = loadConfig({ PEXELS_API_KEY: 'px-secret', PIXABAY_API_KEY: 'pb-secret', PIXABAY_BASE_URL: 'http://127.0.0.1:7811/' }, cwd);
      expect(c.stockMedia.pexels).toEqual({ baseUrl: 'https://api.pexels.com', timeoutMs: 60_000 });
      expect(c.stockMedia.pexels!.apiKey).toBe('px-secret');
      expect(c.stockMedia.pixabay).toEqual({ baseUrl: 'http://127.0.0.1:7811', timeoutMs: 60_000 });
      expect(JSON.stringify(c)).not.toMatch(/px-secret|pb-secret/);
      expect(loadConfig({ PEXELS_BASE_URL: 'http://127.0.0.1:1' }, cwd).stockMedia.pexels).toBeUndefined();
      expect(configError({ PEXELS_BASE_URL: 'api.pexels.com' }).message).toMatch(/^\s*PEXELS_BASE_URL: /m);
    });
  });

  describe('speech-to-text', () => {
    it('talks to OpenAI with OPENAI_API_KEY when no STT server is named', () => {
      const { stt } = loadConfig({ OPENAI_API_KEY: 'sk-test' }, cwd);
      expect(stt.openai).toEqual({ baseUrl: undefined, model: 'whisper-1', timeoutMs: 300_000 });
      expect(stt.openai!.apiKey).toBe('sk-test');
    });

    it('falls back to OPENAI_BASE_URL\'s server with OPENAI_API_KEY when STT_BASE_URL is unset', () => {
      const { stt } = loadConfig({ OPENAI_API_KEY: 'proxy-key', OPENAI_BASE_URL: 'http://10.0.0.9:4000/v1' }, cwd);
      expect(stt.openai).toEqual({ baseUrl: 'http://10.0.0.9:4000/v1', model: 'whisper-1', timeoutMs: 300_000 });
      expect(stt.openai!.apiKey).toBe('proxy-key');
    });

    it('never sends OPENAI_API_KEY to the server of STT_BASE_URL; STT_API_KEY goes there', () => {
      const local = loadConfig({ OPENAI_API_KEY: 'sk-test', STT_BASE_URL: 'http://127.0.0.1:8000/v1/', STT_MODEL: 'Systran/faster-whisper-small' }, cwd);
      expect(local.stt.openai).toEqual({ baseUrl: 'http://127.0.0.1:8000/v1', model: 'Systran/faster-whisper-small', timeoutMs: 300_000 });
      expect(local.stt.openai!.apiKey).toBeUndefined();
      expect(loadConfig({ STT_BASE_URL: 'http://10.0.0.2/v1', STT_API_KEY: 'local-key' }, cwd).stt.openai!.apiKey).toBe('local-key');
      expect(JSON.stringify(loadConfig({ STT_API_KEY: 'sk-stt-secret' }, cwd))).not.toContain('sk-stt-secret');
    });

    it('reads the tuner, the slot counts and the chunk parallelism', () => {
      const c = loadConfig(
        { WORKER_TUNER: 'fixed', WORKER_TUNER_TARGET_CPU: '0.7', WORKER_TUNER_TARGET_MEMORY: '0.5', WORKER_STT_CONCURRENCY: '3', STT_PARALLELISM: '4', TASK_QUEUE_STT: 'stt-q' },
        cwd,
      );
      expect(c.worker.tuner).toEqual({ kind: 'fixed', targetCpuUsage: 0.7, targetMemoryUsage: 0.5 });
      expect(c.worker.sttConcurrency).toBe(3);
      expect(c.stt.parallelism).toBe(4);
      expect(c.taskQueues.stt).toBe('stt-q');
    });

    it.each([
      ['STT_BASE_URL', '127.0.0.1:8000'],
      ['WORKER_TUNER', 'auto'],
      ['WORKER_TUNER_TARGET_CPU', '1.5'],
      ['WORKER_TUNER_TARGET_MEMORY', '0'],
      ['STT_PARALLELISM', '0'],
    ])('rejects %s=%j naming the variable', (key, value) => {
      expect(configError({ [key]: value }).message).toMatch(new RegExp(`^\\s*${key}: `, 'm'));
    });
  });

  describe('artifact store', () => {
    const s3Env = {
      ARTIFACT_STORE: 's3',
      S3_ENDPOINT: 'http://10.77.0.4:8333/',
      S3_BUCKET: 'vidflow-artifacts',
      S3_ACCESS_KEY_ID: 'vidflow',
      S3_SECRET_ACCESS_KEY: 'hunter2-secret',
    };

    it('stays on the local DATA_DIR unless ARTIFACT_STORE=s3', () => {
      expect(loadConfig({}, cwd).artifacts).toEqual({ kind: 'local' });
    });

    it("keeps the cache's files in the bucket with ARTIFACT_STORE=s3, under CACHE_DIR otherwise", () => {
      expect(loadConfig(s3Env, cwd).cache.files).toBe('bucket');
      expect(loadConfig({ ARTIFACT_STORE: 'local' }, cwd).cache.files).toBe('local');
    });

    it('reads the S3 settings, with path-style and us-east-1 by default', () => {
      const a = loadConfig(s3Env, cwd).artifacts;
      if (a.kind !== 's3') throw new Error('expected s3');
      expect(a.s3).toMatchObject({ endpoint: 'http://10.77.0.4:8333', bucket: 'vidflow-artifacts', region: 'us-east-1', forcePathStyle: true, presignedDownloads: false, presignSeconds: 300 });
      expect(a.s3.credentials).toEqual({ accessKeyId: 'vidflow', secretAccessKey: 'hunter2-secret' });
      expect(loadConfig({ ...s3Env, S3_FORCE_PATH_STYLE: 'false', S3_PRESIGNED_DOWNLOADS: 'true' }, cwd).artifacts).toMatchObject({ s3: { forcePathStyle: false, presignedDownloads: true } });
    });

    it('never shows the S3 keys when the config is logged or serialised', () => {
      const c = loadConfig(s3Env, cwd);
      expect(JSON.stringify(c)).not.toContain('hunter2-secret');
      expect(inspect(c, { depth: 10 })).not.toContain('hunter2-secret');
      expect(JSON.stringify({ ...c.artifacts })).not.toContain('vidflow"');
    });

    it('needs a bucket, and both keys or neither', () => {
      expect(configError({ ARTIFACT_STORE: 's3' }).message).toMatch(/^\s*S3_BUCKET: /m);
      expect(configError({ ...s3Env, S3_SECRET_ACCESS_KEY: '' }).message).toMatch(/^\s*S3_SECRET_ACCESS_KEY: /m);
      expect(configError({ ARTIFACT_STORE: 'gcs' }).message).toMatch(/^\s*ARTIFACT_STORE: /m);
      expect(configError({ ...s3Env, S3_BUCKET: 'Has_Upper' }).message).toMatch(/^\s*S3_BUCKET: /m);
      expect(configError({ ...s3Env, S3_ENDPOINT: '10.77.0.4:8333' }).message).toMatch(/^\s*S3_ENDPOINT: /m);
    });
  });

  describe('tracing (OpenTelemetry)', () => {
    it('is off unless an OTLP endpoint is set, and off again with OTEL_SDK_DISABLED', () => {
      expect(loadConfig({}, cwd).tracing).toBeUndefined();
      expect(loadConfig({ OTEL_SERVICE_NAME: 'edge-api' }, cwd).tracing).toBeUndefined();
      expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', OTEL_SDK_DISABLED: 'true' }, cwd).tracing).toBeUndefined();
    });

    it('posts to <endpoint>/v1/traces, or to the traces endpoint exactly as given', () => {
      expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318/' }, cwd).tracing).toEqual({ tracesUrl: 'http://jaeger:4318/v1/traces' });
      const both = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otel.example/ingest', OTEL_SERVICE_NAME: 'edge-api' };
      expect(loadConfig(both, cwd).tracing).toEqual({ tracesUrl: 'https://otel.example/ingest', serviceName: 'edge-api' });
    });

    it('reads OTEL_EXPORTER_OTLP_HEADERS (percent-decoded) and keeps them out of serialisation', () => {
      const c = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s3cr%3Dt, x-tenant = blue' }, cwd);
      expect(c.tracing!.headers).toEqual({ 'api-key': 's3cr=t', 'x-tenant': 'blue' });
      expect(JSON.stringify(c)).not.toContain('s3cr');
      expect(inspect(c, { depth: 10 })).not.toContain('s3cr');
    });

    it('refuses what it cannot honour', () => {
      const on = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' };
      expect(configError({ OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318' }).message).toMatch(/^\s*OTEL_EXPORTER_OTLP_ENDPOINT: must be an http\(s\) URL/m);
      expect(configError({ ...on, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).message).toMatch(/^\s*OTEL_EXPORTER_OTLP_PROTOCOL: only http\/json/m);
      expect(configError({ ...on, OTEL_EXPORTER_OTLP_HEADERS: 'no-equals-sign' }).message).toMatch(/^\s*OTEL_EXPORTER_OTLP_HEADERS: /m);
      expect(configError({ ...on, OTEL_EXPORTER_OTLP_HEADERS: 'k=%E0%A4%A' }).message).toMatch(/OTEL_EXPORTER_OTLP_HEADERS: the value of k/);
      expect(loadConfig({ ...on, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, cwd).tracing).toBeDefined();
    });
  });
});
