import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_KEYS, loadConfig } from '@vidflow/config';

/**
 * docker-compose.yml and the Dockerfile cannot be run here (no Docker engine), so this reads them
 * the way Compose would and checks the wiring against the real config loader: a renamed setting,
 * a port mismatch or a worker writing to a different volume than the api serves fails here.
 */

const root = resolve(__dirname, '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as ComposeFile;
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: Array<string | number | { target: number | string; published?: number | string }>;
  expose?: Array<string | number>;
  volumes?: Array<string | { type?: string; source?: string; target: string }>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
  configs?: Array<{ source: string; target: string }>;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  configs?: Record<string, { content?: string }>;
}

/**
 * Resolves Compose interpolation as if no variable were set in the shell or .env, so the test sees
 * the shipped defaults whatever the machine running it exports: `${VAR:-default}` and
 * `${VAR-default}` give the default, `${VAR}`/`$VAR` give '', `${VAR:?msg}` throws, `$$` is a `$`.
 */
function interpolate(value: string, env: Record<string, string | undefined> = {}): string {
  return value.replace(
    /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (match, dollar?: string, name?: string, op?: string, arg?: string, bare?: string) => {
      if (dollar) return '$';
      if (bare) return env[bare] ?? '';
      const set = env[name!];
      const missing = op?.startsWith(':') ? set === undefined || set === '' : set === undefined;
      if (op === ':-' || op === '-') return missing ? interpolate(arg ?? '', env) : set!;
      if (op === ':?' || op === '?') {
        if (missing) throw new Error(`${match}: required variable ${name} is not set`);
        return set!;
      }
      return set ?? '';
    },
  );
}

/** What the file's header asks an operator to put in .env before the first `docker compose up`. */
const OPERATOR_ENV = { S3_SECRET_ACCESS_KEY: 'secret-from-dot-env' };

function service(name: string): ComposeService {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service "${name}"`);
  return s;
}

/** The service's environment as a container would see it (list or map form, defaults resolved). */
function environmentOf(name: string): Record<string, string> {
  const env = service(name).environment ?? {};
  const entries: Array<[string, string | undefined]> = Array.isArray(env)
    ? env.map((line) => {
        const eq = line.indexOf('=');
        return eq === -1 ? [line, undefined] : [line.slice(0, eq), line.slice(eq + 1)];
      })
    : Object.entries(env).map(([k, v]) => [k, v === null ? undefined : String(v)]);
  // A bare `KEY` / `KEY:` passes the host's value through; with nothing set it is absent.
  return Object.fromEntries(
    entries.filter((e): e is [string, string] => e[1] !== undefined).map(([k, v]) => [k, interpolate(v, OPERATOR_ENV)]),
  );
}

/** Container-side ports a service publishes, from short ("[ip:]host:container[/proto]") or long syntax. */
function publishedContainerPorts(name: string): number[] {
  return (service(name).ports ?? []).map((p) => {
    if (typeof p === 'object') return Number(interpolate(String(p.target)));
    const spec = interpolate(String(p)).replace(/\/(tcp|udp)$/, '');
    return Number(spec.slice(spec.lastIndexOf(':') + 1));
  });
}

function containerPorts(name: string): number[] {
  const exposed = (service(name).expose ?? []).map((p) => Number(interpolate(String(p)).replace(/\/(tcp|udp)$/, '')));
  return [...publishedContainerPorts(name), ...exposed];
}

/** Named-volume mounts of a service as { source, target }. Bind mounts (./x, /x) are left out. */
function namedVolumeMounts(name: string): Array<{ source: string; target: string }> {
  return (service(name).volumes ?? [])
    .map((v) => {
      if (typeof v === 'object') {
        return v.type === undefined || v.type === 'volume' ? { source: v.source ?? '', target: v.target } : undefined;
      }
      const [source, target] = interpolate(v).split(':');
      return target !== undefined && !/^[./~]/.test(source) ? { source, target } : undefined;
    })
    .filter((m): m is { source: string; target: string } => m !== undefined && m.source !== '');
}

function healthcheckCommand(name: string): string {
  const test = service(name).healthcheck?.test;
  return interpolate(Array.isArray(test) ? test.join(' ') : (test ?? ''));
}

/** Package names given to `apt-get install` in the last (runtime) stage of the Dockerfile. */
function runtimeAptPackages(): string[] {
  const joined = dockerfile.replace(/\\\r?\n/g, ' ');
  const stages = joined.split(/^FROM\s/im);
  const runtime = stages[stages.length - 1];
  return runtime
    .split(/\r?\n/)
    .filter((line) => /^\s*RUN\s/i.test(line))
    .flatMap((line) => [...line.matchAll(/apt-get\s+install\s+([^&;|]*)/g)].map((m) => m[1]))
    .flatMap((args) => args.split(/\s+/))
    .filter((word) => word !== '' && !word.startsWith('-'));
}

function dockerfileEnv(key: string): string | undefined {
  const joined = dockerfile.replace(/\\\r?\n/g, ' ');
  const stages = joined.split(/^FROM\s/im);
  const runtime = stages[stages.length - 1];
  const match = new RegExp(`^\\s*ENV\\s.*\\b${key}=(\\S+)`, 'm').exec(runtime);
  return match?.[1];
}

const appServices = ['api', 'worker'] as const;

describe('interpolate (the helper this test relies on)', () => {
  it('resolves defaults, blanks and escapes the way Compose does with nothing set', () => {
    expect(interpolate('${A:-3000}:${B-x}')).toBe('3000:x');
    expect(interpolate('${A}|$B|${C:-}|$$HOME')).toBe('|||$HOME');
    expect(interpolate('${A:-${B:-nested}}')).toBe('nested');
    expect(interpolate('${A:-d}', { A: '' })).toBe('d');
    expect(interpolate('${A-d}', { A: '' })).toBe('');
    expect(interpolate('${A:-d}', { A: 'set' })).toBe('set');
    expect(() => interpolate('${A:?must be set}')).toThrow(/A is not set/);
  });
});

describe('docker-compose.yml', () => {
  it('defines the whole stack', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'seaweedfs', 'seaweedfs-bucket', 'api', 'worker']),
    );
  });

  it('runs api and worker from the same image, each with its own entry point', () => {
    const api = service('api');
    const worker = service('worker');
    expect(worker.image ?? worker.build).toEqual(api.image ?? api.build);
    expect(worker.build).toEqual(api.build);
    const cmd = (s: ComposeService) => (Array.isArray(s.command) ? s.command.join(' ') : s.command);
    expect(cmd(api)).toBe('node apps/api/dist/main.js');
    expect(cmd(worker)).toBe('node apps/worker/dist/main.js');
  });

  it.each(appServices)('%s sets only variables that libs/config reads, with valid values', (name) => {
    const env = environmentOf(name);
    expect(Object.keys(env).length).toBeGreaterThan(0);
    const unknown = Object.keys(env).filter((k) => !(CONFIG_KEYS as string[]).includes(k));
    expect(unknown).toEqual([]);
    expect(() => loadConfig(env, '/app')).not.toThrow();
  });

  it('gives api and worker the same artifact store: the bucket of the seaweedfs service, with its identity', () => {
    const keys = ['ARTIFACT_STORE', 'S3_ENDPOINT', 'S3_BUCKET', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_FORCE_PATH_STYLE'];
    const [api, worker] = appServices.map((name) => {
      const env = environmentOf(name);
      expect(keys.filter((k) => !(k in env))).toEqual([]);
      return Object.fromEntries(keys.map((k) => [k, env[k]]));
    });
    expect(api).toEqual(worker);
    const config = loadConfig(environmentOf('api'), '/app');
    expect(config.artifacts.kind).toBe('s3');
    if (config.artifacts.kind !== 's3') return;
    // The bucket is the seaweedfs service's S3 gateway, with the identity its config file declares.
    const url = new URL(config.artifacts.s3.endpoint!);
    expect(url.hostname).toBe('seaweedfs');
    expect(String(service('seaweedfs').command)).toContain(`-s3.port=${url.port}`);
    const identitiesMount = service('seaweedfs').configs?.find((c) => c.target.endsWith('.json'));
    const identities = JSON.parse(interpolate(compose.configs?.[identitiesMount!.source]?.content ?? '', OPERATOR_ENV)) as {
      identities: Array<{ credentials: Array<{ accessKey: string; secretKey: string }> }>;
    };
    expect(identities.identities[0]!.credentials[0]).toEqual({ accessKey: api!.S3_ACCESS_KEY_ID, secretKey: api!.S3_SECRET_ACCESS_KEY });
    expect(interpolate(String(service('seaweedfs-bucket').command))).toContain(`s3.bucket.create -name ${config.artifacts.s3.bucket}`);
  });

  it('refuses to start without the bucket secret from .env (never a default secret in the file)', () => {
    for (const name of appServices) {
      const raw = (service(name).environment as Record<string, string>).S3_SECRET_ACCESS_KEY!;
      expect(() => interpolate(raw)).toThrow(/S3_SECRET_ACCESS_KEY/);
    }
  });

  it('gives each api and worker container its own scratch at DATA_DIR; they share only what is not in the bucket yet', () => {
    for (const name of appServices) {
      const config = loadConfig(environmentOf(name), '/app');
      expect(config.dataDir).toBe('/data');
      // An anonymous volume (one per replica) for scratch, not a named one that replicas would share.
      expect(service(name).volumes?.[0]).toBe('/data');
      // Shared: a transcription's folder (the workers' stt and render activities write it, the API serves it) and the
      // media library (the API stores items, a worker reads media:<id> references), as the apps' configuration places them.
      expect(namedVolumeMounts(name)).toEqual([
        { source: 'transcriptions', target: join(config.dataDir, 'transcriptions') },
        { source: 'library', target: config.library.dir },
      ]);
    }
    // The image's default and writable directory must be the one compose mounts.
    expect(dockerfileEnv('DATA_DIR')).toBe('/data');
  });

  it('keeps the cache metadata of every api and worker in one PostgreSQL database that the postgresql service creates', () => {
    const urls = appServices.map((name) => loadConfig(environmentOf(name), '/app').cache.databaseUrl);
    expect(urls[0]).toBe(urls[1]);
    const url = new URL(urls[0]!);
    expect({ host: url.hostname, db: url.pathname.slice(1), user: url.username, password: url.password }).toEqual({
      host: 'postgresql',
      db: 'vidflow',
      user: environmentOf('postgresql').POSTGRES_USER,
      password: environmentOf('postgresql').POSTGRES_PASSWORD,
    });
    const init = service('postgresql').configs?.find((c) => c.target.startsWith('/docker-entrypoint-initdb.d/'));
    expect(compose.configs?.[init!.source]?.content).toContain('CREATE DATABASE vidflow;');
  });

  it('publishes the port the api listens on, on every interface of the container', () => {
    const config = loadConfig(environmentOf('api'), '/app');
    expect(config.api.host).toBe('0.0.0.0');
    expect(publishedContainerPorts('api')).toContain(config.api.port);
  });

  it('health-checks the api readiness endpoint on the port it listens on', () => {
    const { port } = loadConfig(environmentOf('api'), '/app').api;
    const check = healthcheckCommand('api');
    expect(check).toContain(`:${port}/health/ready`);
    // The runtime image has no curl/wget; node is the only HTTP client in it.
    expect(check).toMatch(/^CMD(-SHELL)? node /);
  });

  it.each(appServices)('%s reaches Temporal through the temporal service', (name) => {
    const { temporal } = loadConfig(environmentOf(name), '/app');
    const [host, port] = temporal.address.split(':');
    expect(host).toBe('temporal');
    expect(containerPorts('temporal')).toContain(Number(port));
    expect(temporal.external).toBe(true);
    const dependsOn = service(name).depends_on ?? [];
    expect(Array.isArray(dependsOn) ? dependsOn : Object.keys(dependsOn)).toContain('temporal');
  });

  it('points the Temporal UI at the same frontend and publishes it on TEMPORAL_UI_PORT', () => {
    const apiConfig = loadConfig(environmentOf('api'), '/app');
    expect(environmentOf('temporal-ui').TEMPORAL_ADDRESS).toBe(apiConfig.temporal.address);
    // The api links to the UI at http://localhost:<uiPort>, so that must be the published host port.
    const published = (service('temporal-ui').ports ?? []).map((p) => interpolate(String(p)));
    expect(published).toContain(`${apiConfig.temporal.uiPort}:8080`);
  });

  it('starts Temporal on a pinned 1.29 server backed by the postgresql service', () => {
    const temporal = service('temporal');
    expect(temporal.image).toMatch(/^temporalio\/auto-setup:1\.29\.\d+$/);
    const env = environmentOf('temporal');
    expect(env.DB).toBe('postgres12');
    expect(env.NUM_HISTORY_SHARDS).toBe('4');
    expect(env.POSTGRES_SEEDS).toBe('postgresql');
    expect(env.POSTGRES_PWD).toBe(environmentOf('postgresql').POSTGRES_PASSWORD);
    expect(env.DEFAULT_NAMESPACE).toBe(loadConfig(environmentOf('worker'), '/app').temporal.namespace);
    expect(temporal.depends_on).toEqual({ postgresql: { condition: 'service_healthy' } });
    expect(service('postgresql').healthcheck?.test).toBeDefined();
  });

  it('keeps media URLs off private addresses by default, with the same setting in api and worker', () => {
    const [api, worker] = appServices.map((name) => loadConfig(environmentOf(name), '/app').mediaDownload);
    expect(worker).toEqual(loadConfig({}, '/app').mediaDownload);
    expect(worker!.allowPrivate).toBe(false);
    expect(api!.allowPrivate).toBe(worker!.allowPrivate);
  });
});

describe('Dockerfile', () => {
  it('installs the media tools and fonts in the runtime stage', () => {
    expect(runtimeAptPackages()).toEqual(
      expect.arrayContaining([
        'ffmpeg',
        'espeak-ng',
        'flite',
        'festival',
        'festvox-us-slt-hts',
        'fonts-noto-core',
        'fonts-noto-cjk',
        'fonts-noto-color-emoji',
        'fonts-dejavu-core',
      ]),
    );
  });

  it('runs as a non-root user', () => {
    const users = [...dockerfile.matchAll(/^\s*USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)(:|$)/);
  });
});
