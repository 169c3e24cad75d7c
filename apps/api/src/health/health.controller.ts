import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { Client } from '@temporalio/client';
import type { VidflowConfig } from '@vidflow/config';
import { execFile } from 'node:child_process';
import { statfs } from 'node:fs/promises';
import { promisify } from 'node:util';
import { CONFIG, TEMPORAL_CLIENT } from '../tokens';

const run = promisify(execFile);
/** Ready only while the artifact store's disk has at least this much free. */
const MIN_FREE_BYTES = 1024 ** 3;

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(CONFIG) private readonly config: VidflowConfig,
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
  ) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Able to do its job: Temporal reachable, room on the artifact disk, ffmpeg installed. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.temporal(),
      () => this.disk(),
      () => this.ffmpeg(),
    ]);
  }

  private async temporal() {
    const check = this.indicator.check('temporal');
    try {
      await this.client.withDeadline(Date.now() + 2000, () =>
        this.client.workflowService.getSystemInfo({}),
      );
      return check.up({ address: this.config.temporal.address });
    } catch (err) {
      return check.down({ address: this.config.temporal.address, message: (err as Error).message });
    }
  }

  /** Free space where artifacts are written (terminus' disk indicator only bounds used space). */
  private async disk() {
    const check = this.indicator.check('disk');
    try {
      const fs = await statfs(this.config.dataDir);
      const free = fs.bavail * fs.bsize;
      const details = { path: this.config.dataDir, freeBytes: free, minFreeBytes: MIN_FREE_BYTES };
      return free >= MIN_FREE_BYTES ? check.up(details) : check.down(details);
    } catch (err) {
      return check.down({ path: this.config.dataDir, message: (err as Error).message });
    }
  }

  private async ffmpeg() {
    const check = this.indicator.check('ffmpeg');
    try {
      const { stdout } = await run(this.config.tools.ffmpeg, ['-hide_banner', '-version'], { timeout: 5000 });
      return check.up({ version: stdout.split('\n')[0]?.replace(/^ffmpeg version /, '').split(' ')[0] });
    } catch (err) {
      return check.down({ message: (err as Error).message });
    }
  }
}
