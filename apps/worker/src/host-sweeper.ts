import { Logger } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { sweepRunFoldersOf, TemporalWorkflowRuns, type ActivityDeps } from '@vidflow/activities';

/**
 * With ARTIFACT_STORE=s3 every host has its own DATA_DIR: scene audio fetched for a render, the scratch of an attempt
 * cut short by a crash or a network cut, stay on the host that made them, and the maintenance schedule's sweep runs
 * on one host only. So each worker sweeps its own disk on the same interval (the same rule: folders of closed runs,
 * past the grace period). A plain timer, not a Temporal schedule: the point is to run on this host.
 */
export class HostSweeper {
  private readonly logger = new Logger('HostSweeper');
  private timer?: NodeJS.Timeout;
  private connection?: Connection;
  private running?: Promise<void>;

  constructor(
    private readonly o: { address: string; namespace: string; intervalSeconds: number; graceSeconds: number; store: ActivityDeps['store'] },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweepOnce(), this.o.intervalSeconds * 1000);
    this.timer.unref();
  }

  /** One sweep; a sweep still running is not started twice. Failures are logged, never thrown (next interval retries). */
  sweepOnce(): Promise<void> {
    this.running ??= this.sweep().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweep(): Promise<void> {
    try {
      this.connection ??= await Connection.connect({ address: this.o.address });
      const runs = new TemporalWorkflowRuns(new Client({ connection: this.connection, namespace: this.o.namespace }));
      const result = await sweepRunFoldersOf({ store: this.o.store, runs, graceSeconds: this.o.graceSeconds });
      if (result.removed.length) this.logger.log(`removed ${result.removed.length} run folders of closed runs from this host: ${result.removed.join(', ')}`);
    } catch (err) {
      this.logger.warn(`sweeping this host's run folders failed (next try in ${this.o.intervalSeconds}s): ${(err as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.connection?.close();
  }
}
