import type { VidflowConfig } from '@vidflow/config';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isPortFree } from './port-check';
import { SupervisedProcess } from './supervised-process';
import { buildDevServerArgs, hasWorkflowPollers, waitForTemporal } from './temporal-dev-server';
import { findTemporalBinary } from './temporal-binary';
import { waitFor } from './wait-for';

export interface Stack {
  processes: Record<string, SupervisedProcess>;
  stop(): Promise<void>;
}

/** How long children get to finish in-flight work on SIGTERM before they are killed. */
const STOP_GRACE_MS = 20_000;
const READY_TIMEOUT_MS = 180_000;

export class LaunchError extends Error {
  override name = 'LaunchError';
}

const appsDir = resolve(__dirname, '..', '..');

/**
 * Starts the whole local service: the Temporal dev server (unless TEMPORAL_ADDRESS points at one), a
 * worker and the API, each supervised; resolves once all three are ready.
 */
export async function startStack(config: VidflowConfig, log: (line: string) => void): Promise<Stack> {
  mkdirSync(config.dataDir, { recursive: true });
  await checkPorts(config);
  const processes: Record<string, SupervisedProcess> = {};
  const stack: Stack = {
    processes,
    async stop() {
      // API first (stop taking requests), then the worker (finish activities), then Temporal.
      for (const name of ['api', 'worker', 'temporal']) await processes[name]?.stop(STOP_GRACE_MS);
    },
  };
  try {
    if (!config.temporal.external) {
      const bin = findTemporalBinary(config.temporal.bin);
      if (!bin) {
        throw new LaunchError(
          'no Temporal CLI found: run `bash scripts/setup.sh` (builds it with Go), install it from https://docs.temporal.io/cli, ' +
            'set TEMPORAL_BIN to its path, or set TEMPORAL_ADDRESS to use a running Temporal server',
        );
      }
      processes.temporal = new SupervisedProcess({
        name: 'temporal',
        command: bin,
        args: buildDevServerArgs({
          port: config.temporal.port,
          uiPort: config.temporal.uiPort,
          dbFile: join(config.dataDir, 'temporal.db'),
          namespace: config.temporal.namespace,
        }),
        log,
      });
      processes.temporal.start();
    }
    await waitForTemporal(config.temporal.address, READY_TIMEOUT_MS);
    log(`[launcher] Temporal ready at ${config.temporal.address}`);

    processes.worker = new SupervisedProcess({ name: 'worker', command: process.execPath, args: [join(appsDir, 'worker', 'dist', 'main.js')], log });
    processes.worker.start();
    processes.api = new SupervisedProcess({ name: 'api', command: process.execPath, args: [join(appsDir, 'api', 'dist', 'main.js')], log });
    processes.api.start();

    await waitFor('the worker', () => hasWorkflowPollers(config.temporal.address, config.temporal.namespace, config.taskQueues.io), READY_TIMEOUT_MS, 500);
    await waitFor(
      'the API',
      async () => (await fetch(`http://127.0.0.1:${config.api.port}/health/ready`)).ok,
      READY_TIMEOUT_MS,
      500,
    );
    return stack;
  } catch (err) {
    await stack.stop();
    throw err;
  }
}

async function checkPorts(config: VidflowConfig): Promise<void> {
  const wanted: Array<[string, number]> = [['API_PORT', config.api.port]];
  if (!config.temporal.external) wanted.push(['TEMPORAL_PORT', config.temporal.port], ['TEMPORAL_UI_PORT', config.temporal.uiPort]);
  const busy: string[] = [];
  for (const [name, port] of wanted) {
    if (!(await isPortFree(port))) busy.push(`${name}=${port}`);
  }
  if (busy.length) {
    throw new LaunchError(
      `port(s) already in use: ${busy.join(', ')}. Is vidflow already running? Stop it, or set ${busy
        .map((b) => b.split('=')[0])
        .join(' / ')} to free port(s).`,
    );
  }
}
