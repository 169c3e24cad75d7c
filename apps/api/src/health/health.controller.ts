import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { HealthChecksService } from './health-checks.service';

/** HTTP <-> the health checks (HealthChecksService). */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly checks: HealthChecksService,
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
    return this.health.check([() => this.checks.temporalReachable(), () => this.checks.diskFree(), () => this.checks.ffmpegInstalled()]);
  }
}
