import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TemporalDeadlineInterceptor } from '../temporal/temporal-deadline.interceptor';
import { VideosService } from './videos.service';

/** HTTP <-> VideosService. No rules live here. */
@ApiTags('videos')
@Controller('api/videos')
@UseInterceptors(TemporalDeadlineInterceptor)
export class VideosController {
  constructor(private readonly videos: VideosService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Submit a video (exactly one of topic, script, scenes)' })
  @ApiBody({ schema: { $ref: '#/components/schemas/VideoRequest' } })
  @ApiResponse({ status: 202, description: 'Accepted; poll links.self' })
  async create(@Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const created = await this.videos.create(body);
    res.setHeader('Location', created.links.self);
    return created;
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status of a video: stage, progress, per-stage details, result' })
  get(@Param('id') id: string) {
    return this.videos.get(id);
  }

  @Get(':id/file')
  @ApiOperation({ summary: 'The MP4 of a completed video (supports Range)' })
  async file(@Param('id') id: string, @Res() res: Response) {
    const path = await this.videos.file(id);
    res.type('video/mp4');
    res.sendFile(path, { acceptRanges: true, cacheControl: true, maxAge: '1h' });
  }

  @Delete(':id')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a running video (its render process stops)' })
  cancel(@Param('id') id: string) {
    return this.videos.cancel(id);
  }
}
