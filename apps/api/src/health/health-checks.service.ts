import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { VidflowConfig } from '@vidflow/config';
import { execFile } from 'node:child_process';
import { statfs } from 'node:fs/promises';
import { promisify } from 'node:util';
import { TemporalGateway } from '../temporal/temporal-gateway';
import { CONFIG } from '../tokens';

const run = promisify(execFile);
/** Ready only while the artifact store's disk has at least this much free. */
const MIN_FREE_BYTES = 1024 ** 3;
/** How long the readiness probe waits for Temporal's answer. */
const TEMPORAL_PING_MS = 2000;

/** What readiness means: Temporal reachable, room on the artifact disk, ffmpeg installed. Each is one indicator. */
@Injectable()
export class HealthChecksService {
  constructor(
    private readonly indicator: HealthIndicatorService,
    @Inject(CONFIG) private readonly config: VidflowConfig,
    private readonly temporal: TemporalGateway,
  ) {}

  async temporalReachable() {
    const check = this.indicator.check('temporal');
    try {
      await this.temporal.ping(TEMPORAL_PING_MS);
      return check.up({ address: this.config.temporal.address });
    } catch (err) {
      return check.down({ address: this.config.temporal.address, message: (err as Error).message });
    }
  }

  /** Free space where artifacts are written (terminus' disk indicator only bounds used space). */
  async diskFree() {
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

  async ffmpegInstalled() {
    const check = this.indicator.check('ffmpeg');
    try {
      const { stdout } = await run(this.config.tools.ffmpeg, ['-hide_banner', '-version'], { timeout: 5000 });
      return check.up({ version: stdout.split('\n')[0]?.replace(/^ffmpeg version /, '').split(' ')[0] });
    } catch (err) {
      return check.down({ message: (err as Error).message });
    }
  }
}
