import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '@vidflow/contracts';
import { waitFor } from './wait-for';

export interface DevServerArgsOptions {
  port: number;
  uiPort?: number;
  /** SQLite file that keeps workflow history across restarts; in-memory when undefined. */
  dbFile?: string;
  namespace?: string;
  ip?: string;
}

/** Arguments of `temporal server start-dev`, with vidflow's search attributes registered at boot. */
export function buildDevServerArgs(o: DevServerArgsOptions): string[] {
  const args = ['server', 'start-dev', '--ip', o.ip ?? '127.0.0.1', '--port', String(o.port), '--log-level', 'warn'];
  if (o.uiPort) args.push('--ui-port', String(o.uiPort));
  else args.push('--headless');
  if (o.dbFile) {
    // Write-ahead log with synchronous=NORMAL: a commit is an append to the log instead of a rewrite of
    // the journal with several fsyncs, which doubles how many workflow starts per second the dev server
    // persists. Committed work survives the server being killed (the log is replayed at the next start);
    // only a power cut can lose the last moments of history. A cluster on PostgreSQL is for more.
    args.push('--db-filename', o.dbFile, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  // The history service reads the tasks that hand a new run's first workflow task to matching at most
  // 20 times a second per shard by default, and the dev server has one shard: past a few runs a second,
  // every new run waited up to 50 ms (~15 ms on average) before a worker saw it. A cluster spreads runs
  // over hundreds of shards; one shard on one machine needs the higher rate (see BENCHMARKS.md, cache).
  args.push('--dynamic-config-value', 'history.transferProcessorMaxPollRPS=200');
  if (o.namespace && o.namespace !== 'default') args.push('--namespace', o.namespace);
  for (const key of Object.values(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${key.name}=Keyword`);
  return args;
}

/**
 * Waits until the Temporal frontend answers. The SDK's own ephemeral-server helper gives up after a few
 * seconds, which a cold dev server on a busy two-core machine does not always meet; this waits longer.
 */
export async function waitForTemporal(address: string, timeoutMs = 120_000): Promise<void> {
  await waitFor(
    `Temporal at ${address}`,
    async () => {
      const connection = await Connection.connect({ address, connectTimeout: '2s' });
      try {
        await connection.workflowService.getSystemInfo({});
        return true;
      } finally {
        await connection.close();
      }
    },
    timeoutMs,
    500,
  );
}

/** True once at least one worker polls `taskQueue` for workflow tasks. */
export async function hasWorkflowPollers(address: string, namespace: string, taskQueue: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: '2s' });
  try {
    const res = await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue } });
    return (res.pollers?.length ?? 0) > 0;
  } finally {
    await connection.close();
  }
}
