import { execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync, existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '../../apps/launcher/src/wait-for';
import { findTemporalBinary } from '../../apps/launcher/src/temporal-binary';
import { s3Identities, weedBin } from '../support/seaweedfs';
import { Network, removeStale, type Host } from './network';

const run = promisify(execFile);
/** The checkout's apps/, found upwards from here: this file also runs compiled, from bench/dist/cluster (bench:cluster). */
const APPS = (() => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'apps', 'worker', 'package.json'))) return join(dir, 'apps');
  throw new Error(`no apps/ above ${__dirname}`);
})();
const BIN = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vidflow', 'bin');
/** Debian's PostgreSQL server binaries (the postgresql package the machine runs its own server from). */
const PG_BIN = ['17', '16', '15'].map((v) => `/usr/lib/postgresql/${v}/bin`).find((d) => existsSync(join(d, 'postgres')));
/** Cold starts of Go servers and Node apps on a busy two-core machine; these bound hangs, they assert nothing. */
const READY_MS = 180_000;
export const API_PORT = 3000;
const WORKER_HTTP_PORT = 3001;
const S3_PORT = 8333;
const BUCKET = 'vidflow';

/** One process on one host that the test starts, kills and starts again. */
export class HostProcess {
  private child?: ChildProcess;
  private exit?: Promise<void>;
  starts = 0;

  constructor(
    readonly name: string,
    readonly host: Host,
    readonly logFile: string,
    private readonly net: Network,
    private readonly spec: () => { command: string; args: string[]; env: NodeJS.ProcessEnv; user?: string },
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The process's pid (`ip netns exec` execs the command, so it is the command's own). */
  get pid(): number | undefined {
    return this.running ? this.child!.pid : undefined;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    const { command, args, env, user } = this.spec();
    appendFileSync(this.logFile, `--- start ${++this.starts} at ${new Date().toISOString()}\n`);
    const child = this.net.spawn(this.host, command, args, { env, logFile: this.logFile, user });
    this.child = child;
    this.exit = new Promise((done) => {
      child.once('exit', () => done());
      child.once('error', () => done());
    });
  }

  /** Resolves once the process has exited (after a kill of its host, say). */
  async exited(): Promise<void> {
    await this.exit;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 20_000): Promise<void> {
    if (!this.running) return;
    const child = this.child!;
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.kill(signal);
    await this.exit;
    clearTimeout(killer);
  }

  logTail(lines = 40): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

export interface ClusterOptions {
  apis?: number;
  workers?: number;
  /** Extra settings for every API and worker process. */
  env?: Record<string, string>;
}

/**
 * vidflow on separate hosts (network namespaces; see network.ts), nothing shared between them but the network:
 *
 *   pg        10  PostgreSQL (its own data directory and server, not the machine's): Temporal's persistence and
 *                 visibility, and the content cache's metadata
 *   temporal  11  the Temporal server 1.29.1 (all four services in one process, 4 history shards) on that PostgreSQL
 *   s3        12  SeaweedFS (`weed mini`, S3 gateway on :8333): finished videos, cache files, uploads
 *   api1..    21+ the API (`apps/api/dist/main.js`), each with its own DATA_DIR
 *   worker1.. 31+ the worker (`apps/worker/dist/main.js`), each with its own DATA_DIR (scratch only)
 *
 * The multi-machine configuration of the README: TEMPORAL_ADDRESS + DATABASE_URL + ARTIFACT_STORE=s3.
 */
export class Cluster {
  readonly dir: string;
  readonly net = new Network();
  readonly pg: Host;
  readonly temporalHost: Host;
  readonly s3: Host;
  readonly apiHosts: Host[] = [];
  readonly workerHosts: Host[] = [];
  readonly processes = new Map<string, HostProcess>();
  readonly credentials = { accessKeyId: 'vidflow-cluster', secretAccessKey: `secret-${Math.random().toString(36).slice(2)}` };
  private readonly pidFile: string;

  constructor(private readonly options: ClusterOptions = {}) {
    // Earlier runs SIGKILLed before their cleanup left namespaces behind: remove those whose test process is gone.
    removeStale((runId) => !isAlive(pidFileOf(runId)));
    this.pidFile = pidFileOf(this.net.id);
    writeFileSync(this.pidFile, String(process.pid));
    this.dir = mkdtempSync(join(tmpdir(), `vidflow-cluster-${this.net.id}-`));
    chmodSync(this.dir, 0o755);
    this.net.create();
    this.pg = this.net.addHost('pg', 10);
    this.temporalHost = this.net.addHost('temporal', 11);
    this.s3 = this.net.addHost('s3', 12);
    for (let i = 1; i <= (options.apis ?? 2); i++) this.apiHosts.push(this.net.addHost(`api${i}`, 20 + i));
    for (let i = 1; i <= (options.workers ?? 3); i++) this.workerHosts.push(this.net.addHost(`worker${i}`, 30 + i));
  }

  get temporalAddress(): string {
    return `${this.temporalHost.ip}:7233`;
  }

  get databaseUrl(): string {
    return `postgres://postgres@${this.pg.ip}:5432/vidflow`;
  }

  apiUrl(i: number): string {
    return `http://${this.apiHosts[i]!.ip}:${API_PORT}`;
  }

  workerUrl(i: number): string {
    return `http://${this.workerHosts[i]!.ip}:${WORKER_HTTP_PORT}`;
  }

  dataDir(host: Host): string {
    return join(this.dir, host.name, 'data');
  }

  process(name: string): HostProcess {
    const p = this.processes.get(name);
    if (!p) throw new Error(`no process ${name}`);
    return p;
  }

  /** Everything, in dependency order; resolves when every API and worker answers its readiness check. */
  async start(): Promise<void> {
    await Promise.all([this.startPostgres(), this.startS3()]);
    await this.setupTemporalSchema();
    await this.startTemporal();
    await this.createNamespace();
    await Promise.all(this.workerHosts.map((_, i) => this.startWorker(i)));
    await Promise.all(this.apiHosts.map((_, i) => this.startApi(i)));
  }

  private add(name: string, host: Host, spec: () => { command: string; args: string[]; env: NodeJS.ProcessEnv; user?: string }): HostProcess {
    mkdirSync(join(this.dir, host.name), { recursive: true });
    const p = new HostProcess(name, host, join(this.dir, host.name, `${name}.log`), this.net, spec);
    this.processes.set(name, p);
    return p;
  }

  private async startPostgres(): Promise<void> {
    if (!PG_BIN) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql (Debian package postgresql)');
    const data = join(this.dir, 'pg', 'pgdata');
    mkdirSync(data, { recursive: true });
    const { uid, gid } = pgUser();
    chownSync(join(this.dir, 'pg'), uid, gid);
    chownSync(data, uid, gid);
    execFileSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8'], { stdio: 'ignore' });
    appendFileSync(join(data, 'pg_hba.conf'), `host all all ${this.net.subnet}.0/24 trust\n`);
    // fsync off: this PostgreSQL lives as long as the test and never loses power; durability across a machine crash
    // is PostgreSQL's own business, not what the cluster test checks (process kills and network cuts are).
    const args = ['-D', data, '-c', `listen_addresses=${this.pg.ip}`, '-c', 'port=5432', '-c', `unix_socket_directories=${data}`, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=300'];
    const pg = this.add('postgres', this.pg, () => ({ command: join(PG_BIN, 'postgres'), args, env: { PATH: process.env.PATH, LANG: 'C.UTF-8' }, user: 'postgres' }));
    pg.start();
    await waitFor('PostgreSQL', async () => (await run(join(PG_BIN, 'pg_isready'), ['-h', this.pg.ip, '-p', '5432', '-U', 'postgres']).then(() => true, () => false)), READY_MS, 200);
    for (const db of ['vidflow', 'temporal', 'temporal_visibility']) await run(join(PG_BIN, 'createdb'), ['-h', this.pg.ip, '-U', 'postgres', db]);
  }

  private async startS3(): Promise<void> {
    const dir = join(this.dir, 's3');
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(join(dir, 'identities.json'), s3Identities(this.credentials));
    const args = ['mini', `-dir=${join(dir, 'data')}`, `-ip=${this.s3.ip}`, `-ip.bind=${this.s3.ip}`, `-s3.port=${S3_PORT}`, `-s3.config=${join(dir, 'identities.json')}`, '-webdav=false', '-admin.ui=false'];
    const weed = this.add('seaweedfs', this.s3, () => ({ command: weedBin(), args, env: { PATH: process.env.PATH, HOME: dir } }));
    weed.start();
    const { CreateBucketCommand, S3Client } = await import('@aws-sdk/client-s3');
    const client = new S3Client({ region: 'us-east-1', endpoint: this.s3Endpoint, forcePathStyle: true, credentials: this.credentials, requestChecksumCalculation: 'WHEN_REQUIRED' });
    try {
      await waitFor('SeaweedFS', () => client.send(new CreateBucketCommand({ Bucket: BUCKET })).then(() => true, () => false), READY_MS, 250);
    } finally {
      client.destroy();
    }
  }

  get s3Endpoint(): string {
    return `http://${this.s3.ip}:${S3_PORT}`;
  }

  /** Temporal's two databases, created and migrated with its own `sql` tool (the schema job of a deployment). */
  private async setupTemporalSchema(): Promise<void> {
    const tool = join(BIN, 'temporal-sql-tool');
    const base = ['--plugin', 'postgres12', '--ep', this.pg.ip, '-p', '5432', '-u', 'postgres'];
    for (const [db, schema] of [['temporal', 'temporal'], ['temporal_visibility', 'visibility']] as const) {
      await run(tool, [...base, '--db', db, 'setup-schema', '-v', '0.0']);
      await run(tool, [...base, '--db', db, 'update-schema', '-d', join(BIN, 'temporal-schema', 'postgresql', 'v12', schema, 'versioned')]);
    }
  }

  private async startTemporal(): Promise<void> {
    const root = join(this.dir, 'temporal');
    mkdirSync(join(root, 'config'), { recursive: true });
    writeFileSync(join(root, 'config', 'development.yaml'), temporalConfig({ ip: this.temporalHost.ip, pg: this.pg.ip, dynamicConfig: join(root, 'dynamicconfig.yaml') }));
    // The namespace's search-attribute cache is refreshed on read, so attributes a worker registers are usable at once.
    writeFileSync(join(root, 'dynamicconfig.yaml'), 'system.forceSearchAttributesCacheRefreshOnRead:\n  - value: true\n    constraints: {}\n');
    const server = this.add('temporal', this.temporalHost, () => ({
      command: join(BIN, 'temporal-server'),
      args: ['--root', root, '--config', 'config', '--env', 'development', '--allow-no-auth', 'start'],
      env: { PATH: process.env.PATH, HOME: root },
    }));
    server.start();
    await this.waitForTemporal();
  }

  /** Ready when the frontend answers a namespace read through the CLI (the server's own health check). */
  async waitForTemporal(): Promise<void> {
    const cli = temporalCli();
    await waitFor('the Temporal server', () => run(cli, ['operator', 'cluster', 'health', '--address', this.temporalAddress]).then(() => true, () => false), READY_MS, 500);
  }

  async restartTemporal(): Promise<void> {
    const server = this.process('temporal');
    await server.stop('SIGKILL');
    server.start();
    await this.waitForTemporal();
  }

  private async createNamespace(): Promise<void> {
    const cli = temporalCli();
    await run(cli, ['operator', 'namespace', 'create', '--namespace', 'default', '--retention', '72h', '--address', this.temporalAddress]);
    // A new namespace reaches the frontend's namespace cache within its refresh interval (about 10 s).
    await waitFor('the default namespace', () => run(cli, ['workflow', 'count', '--address', this.temporalAddress]).then(() => true, () => false), READY_MS, 500);
  }

  /** What every API and worker gets: the documented multi-machine configuration. */
  private appEnv(host: Host): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: join(this.dir, host.name),
      LANG: 'C.UTF-8',
      NODE_ENV: 'production',
      DATA_DIR: this.dataDir(host),
      TEMPORAL_ADDRESS: this.temporalAddress,
      DATABASE_URL: this.databaseUrl,
      ARTIFACT_STORE: 's3',
      S3_ENDPOINT: this.s3Endpoint,
      S3_BUCKET: BUCKET,
      S3_ACCESS_KEY_ID: this.credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: this.credentials.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
      API_HOST: host.ip,
      API_PORT: String(API_PORT),
      WORKER_HTTP_HOST: host.ip,
      WORKER_HTTP_PORT: String(WORKER_HTTP_PORT),
      WORKER_TEMPORAL_METRICS_PORT: '0',
      RENDER_PRESET: 'ultrafast',
      LOG_LEVEL: 'info',
      ...this.options.env,
    };
  }

  async startWorker(i: number): Promise<void> {
    const host = this.workerHosts[i]!;
    mkdirSync(this.dataDir(host), { recursive: true });
    const name = `worker${i + 1}`;
    const worker = this.processes.get(name) ?? this.add(name, host, () => ({ command: process.execPath, args: [join(APPS, 'worker', 'dist', 'main.js')], env: this.appEnv(host) }));
    worker.start();
    await this.ready(worker, `${this.workerUrl(i)}/health/ready`);
  }

  async startApi(i: number): Promise<void> {
    const host = this.apiHosts[i]!;
    mkdirSync(this.dataDir(host), { recursive: true });
    const name = `api${i + 1}`;
    const api = this.processes.get(name) ?? this.add(name, host, () => ({ command: process.execPath, args: [join(APPS, 'api', 'dist', 'main.js')], env: this.appEnv(host) }));
    api.start();
    await this.ready(api, `${this.apiUrl(i)}/health/ready`);
  }

  private async ready(p: HostProcess, url: string): Promise<void> {
    const deadline = Date.now() + READY_MS;
    for (;;) {
      if (!p.running) throw new Error(`${p.name} exited before it was ready:\n${p.logTail()}`);
      if ((await fetch(url, { signal: AbortSignal.timeout(5000) }).catch(() => undefined))?.ok) return;
      if (Date.now() > deadline) throw new Error(`${p.name} not ready after ${READY_MS / 1000} s:\n${p.logTail()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Every process of every host killed, namespaces and bridge removed, the directory deleted (logs kept if asked). */
  destroy(options: { keepDir?: boolean } = {}): void {
    this.net.destroy();
    rmSync(this.pidFile, { force: true });
    if (!options.keepDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

function temporalConfig(o: { ip: string; pg: string; dynamicConfig: string }): string {
  const store = (db: string, conns: number) => `
      sql:
        pluginName: postgres12
        databaseName: ${db}
        connectAddr: "${o.pg}:5432"
        connectProtocol: tcp
        user: postgres
        password: ""
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: 1h`;
  const service = (grpc: number, membership: number, http?: number) => `
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnIP: "${o.ip}"${http ? `\n      httpPort: ${http}` : ''}`;
  return `log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: 4
  datastores:
    default:${store('temporal', 20)}
    visibility:${store('temporal_visibility', 5)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "${o.ip}"
services:
  frontend:${service(7233, 6933, 7243)}
  matching:${service(7235, 6935)}
  history:${service(7234, 6934)}
  worker:${service(7239, 6939)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "${o.ip}:7233"
      httpAddress: "${o.ip}:7243"
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: "${o.dynamicConfig}"
  pollInterval: 10s
`;
}

function temporalCli(): string {
  const cli = findTemporalBinary(process.env.TEMPORAL_BIN);
  if (!cli) throw new Error('no Temporal CLI: run `bash scripts/setup.sh`');
  return cli;
}

function pgUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('no postgres user (Debian package postgresql)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function pidFileOf(runId: string): string {
  return join(tmpdir(), `vidflow-cluster-${runId}.pid`);
}

function isAlive(pidFile: string): boolean {
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}
