import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { idempotencyScope } from '../common/api-key.middleware';
import { CACHE_POLICY } from '../http/cache-policy';
import { sendFile } from '../http/send-file';
import { Streaming, TemporalDeadlineInterceptor } from '../temporal/temporal-deadline.interceptor';
import { streamVideoEvents } from './video-events';
import { VideoListService } from './video-list.service';
import { VideosService } from './videos.service';

/** HTTP <-> VideosService. No rules live here. */
@ApiTags('videos')
@Controller('api/videos')
@UseInterceptors(TemporalDeadlineInterceptor)
export class VideosController {
  constructor(
    private readonly videos: VideosService,
    private readonly list: VideoListService,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Submit a video (exactly one of topic, script, scenes)' })
  @ApiBody({ schema: { $ref: '#/components/schemas/VideoRequest' } })
  @ApiResponse({ status: 202, description: 'Accepted; poll links.self' })
  async create(
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const created = await this.videos.create(body, key, idempotencyScope(req));
    res.setHeader('Location', created.links.self);
    return created;
  }

  @Get()
  @ApiOperation({ summary: 'Videos, newest first, filtered by status (and batchId), from Temporal visibility; paginated with cursor' })
  index(@Query() query: unknown) {
    return this.list.list(query);
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'Server-sent events: the status object each time it changes, until a terminal status' })
  @Streaming()
  async events(@Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    await streamVideoEvents(req, res, () => this.videos.getForStream(id), undefined, { watch: this.videos.events.watch(id) });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status of a video: stage, progress, per-stage details, result' })
  get(@Param('id') id: string) {
    return this.videos.get(id);
  }

  @Get(':id/file')
  @ApiOperation({ summary: 'The MP4 of a completed video (supports Range)' })
  async file(@Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    const path = await this.videos.file(id);
    res.setHeader('Cache-Control', CACHE_POLICY.finished);
    await sendFile(req, res, { path, type: 'video/mp4' });
  }

  @Delete(':id')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a running video (its render process stops)' })
  cancel(@Param('id') id: string) {
    return this.videos.cancel(id);
  }
}
