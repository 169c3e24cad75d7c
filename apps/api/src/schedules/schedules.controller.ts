import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TemporalDeadlineInterceptor } from '../temporal/temporal-deadline.interceptor';
import { SchedulesService } from './schedules.service';

/** HTTP <-> SchedulesService: recurring batches on Temporal Schedules. */
@ApiTags('schedules')
@Controller('api/schedules')
@UseInterceptors(TemporalDeadlineInterceptor)
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a recurring batch (cron or intervalSeconds, timezone, overlap policy)' })
  async create(@Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const created = await this.schedules.create(body);
    res.setHeader('Location', `/api/schedules/${created.id}`);
    return created;
  }

  @Get()
  list() {
    return this.schedules.list();
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.schedules.get(id);
  }

  @Post(':id/pause')
  @HttpCode(200)
  pause(@Param('id') id: string) {
    return this.schedules.pause(id);
  }

  @Post(':id/unpause')
  @HttpCode(200)
  unpause(@Param('id') id: string) {
    return this.schedules.unpause(id);
  }

  @Post(':id/trigger')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run the batch now' })
  trigger(@Param('id') id: string) {
    return this.schedules.trigger(id);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id') id: string) {
    await this.schedules.delete(id);
  }
}
