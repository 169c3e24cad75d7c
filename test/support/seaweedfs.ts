import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '@vidflow/config';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

/** Where scripts/setup-cluster.sh puts the SeaweedFS binary (WEED_BIN overrides). */
export function weedBin(): string {
  const bin = process.env.WEED_BIN ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vidflow', 'bin', 'weed');
  if (!existsSync(bin)) throw new Error(`SeaweedFS is not built (${bin} missing): run \`bash scripts/setup-cluster.sh\``);
  return bin;
}

/** SeaweedFS's `-s3.config` file: one identity with every right, holding `credentials`. */
export function s3Identities(credentials: { accessKeyId: string; secretAccessKey: string }): string {
  return JSON.stringify({
    identities: [{ name: 'vidflow', credentials: [{ accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey }], actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'] }],
  });
}

export interface SeaweedServer {
  /** Settings of a fresh bucket on this server, as loadConfig would give them (keys included). */
  config: S3Config;
  endpoint: string;
  stop(): Promise<void>;
}

/** The environment that points vidflow's configuration (loadConfig) at this server's bucket: ARTIFACT_STORE=s3. */
export function s3Env(server: SeaweedServer): Record<string, string> {
  return {
    ARTIFACT_STORE: 's3',
    S3_ENDPOINT: server.endpoint,
    S3_BUCKET: server.config.bucket,
    S3_ACCESS_KEY_ID: server.config.credentials!.accessKeyId,
    S3_SECRET_ACCESS_KEY: server.config.credentials!.secretAccessKey,
  };
}

/**
 * A real SeaweedFS (`weed mini`: master, volume, filer and S3 gateway in one process) on free loopback ports, with
 * one S3 identity and one bucket. Every port is chosen by the OS, so several suites (and engineers) can run at once.
 */
export async function startSeaweed(options: { bucket?: string } = {}): Promise<SeaweedServer> {
  const bin = weedBin();
  const dir = await mkdtemp(join(tmpdir(), 'vidflow-weed-'));
  const credentials = { accessKeyId: 'vidflow-test', secretAccessKey: `secret-${Math.random().toString(36).slice(2)}` };
  await writeFile(join(dir, 'identities.json'), s3Identities(credentials));
  // The gRPC ports too: their default is the HTTP port + 10000, which may be taken (or past 65535 for an OS-chosen port).
  const ports = { s3: await freePort(), master: await freePort(), volume: await freePort(), filer: await freePort() };
  const grpc = { s3: await freePort(), master: await freePort(), volume: await freePort(), filer: await freePort() };
  const args = [
    'mini',
    `-dir=${join(dir, 'data')}`,
    '-ip=127.0.0.1',
    '-ip.bind=127.0.0.1',
    `-s3.port=${ports.s3}`,
    `-master.port=${ports.master}`,
    `-volume.port=${ports.volume}`,
    `-filer.port=${ports.filer}`,
    `-s3.port.grpc=${grpc.s3}`,
    `-master.port.grpc=${grpc.master}`,
    `-volume.port.grpc=${grpc.volume}`,
    `-filer.port.grpc=${grpc.filer}`,
    `-s3.config=${join(dir, 'identities.json')}`,
    '-webdav=false',
    '-admin.ui=false',
  ];
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(dir, 'data'), { recursive: true });
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${ports.s3}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  const bucket = options.bucket ?? `vf-test-${Math.random().toString(36).slice(2, 10)}`;
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials, requestChecksumCalculation: 'WHEN_REQUIRED' });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`weed mini exited with ${child.exitCode}: ${stderr}`);
      try {
        await client.send(new CreateBucketCommand({ Bucket: bucket }));
        break;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`SeaweedFS not ready after 60 s (${String(err)}): ${stderr}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  } finally {
    client.destroy();
  }
  const config = { endpoint, bucket, region: 'us-east-1', forcePathStyle: true, presignedDownloads: false, presignSeconds: 60 } as S3Config;
  Object.defineProperty(config, 'credentials', { value: credentials, enumerable: false });
  return { config, endpoint, stop };
}
