import { Controller, Get, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { TemporalDeadlineInterceptor } from '../temporal/temporal-deadline.interceptor';
import { SystemService } from './system.service';

/** HTTP <-> SystemService. */
@ApiTags('system')
@Controller('api/system')
@UseInterceptors(TemporalDeadlineInterceptor)
export class SystemController {
  constructor(private readonly system: SystemService) {}

  @Get()
  @ApiOperation({ summary: 'This machine (cores, memory, load), the task queues (pollers, backlog from Temporal), worker tuner settings and limits' })
  get() {
    return this.system.describe();
  }
}
