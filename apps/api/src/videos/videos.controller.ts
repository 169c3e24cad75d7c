import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import type { ObjectStore } from '@vidflow/activities/object-store';
import type { VidflowConfig } from '@vidflow/config';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { idempotencyScope } from '../common/api-key.middleware';
import { CACHE_POLICY } from '../http/cache-policy';
import { sendFile } from '../http/send-file';
import { sendObject } from '../http/send-object';
import { NotFoundError, ValidationFailedError } from '../common/api-errors';
import { CONFIG, OBJECT_STORE } from '../tokens';
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
    @Inject(OBJECT_STORE) private readonly objects: ObjectStore,
    @Inject(CONFIG) private readonly config: VidflowConfig,
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
    if (this.objects.kind === 's3') return this.fileFromBucket(id, req, res);
    const path = await this.videos.file(id);
    res.setHeader('Cache-Control', CACHE_POLICY.finished);
    await sendFile(req, res, { path, type: 'video/mp4' });
  }

  /** ARTIFACT_STORE=s3: streamed from the bucket, or (S3_PRESIGNED_DOWNLOADS=true) a redirect to a presigned GET. */
  private async fileFromBucket(id: string, req: Request, res: Response): Promise<void> {
    const key = await this.videos.fileKey(id);
    const s3 = this.config.artifacts.kind === 's3' ? this.config.artifacts.s3 : undefined;
    if (s3?.presignedDownloads) {
      if (!(await this.objects.stat(key))) throw new NotFoundError(`the file of video ${id} is no longer in the artifact store`);
      // The URL expires: it must not be cached longer than it is valid.
      res.setHeader('Cache-Control', 'private, no-store');
      return res.redirect(302, (await this.objects.presignGet(key, s3.presignSeconds))!);
    }
    res.setHeader('Cache-Control', CACHE_POLICY.finished);
    if (!(await sendObject(req, res, { store: this.objects, key, type: 'video/mp4' }))) {
      res.removeHeader('Cache-Control');
      throw new NotFoundError(`the file of video ${id} is no longer in the artifact store`);
    }
  }

  @Get(':id/thumbnail')
  @ApiOperation({ summary: "A completed video's poster frame (JPEG, 320 px wide): the Studio's thumbnail; 404 when the video has none" })
  async thumbnail(@Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    const key = await this.videos.thumbnailKey(id);
    res.setHeader('Cache-Control', CACHE_POLICY.finished);
    if (!(await sendObject(req, res, { store: this.objects, key, type: 'image/jpeg' }))) {
      res.removeHeader('Cache-Control');
      throw new NotFoundError(`video ${id} has no thumbnail (made before poster frames, or its frame could not be taken)`);
    }
  }

  @Delete(':id')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Cancel a running video (its render process stops): 202. With purge=true, delete a finished video instead: its MP4, its poster and its run in Temporal (204; 409 while it runs)',
  })
  async cancel(@Param('id') id: string, @Query('purge') purge: string | undefined, @Res({ passthrough: true }) res: Response) {
    if (purge === undefined || purge === 'false') return this.videos.cancel(id);
    if (purge !== 'true') {
      throw new ValidationFailedError(`purge: must be true or false, not ${JSON.stringify(purge)}`, [{ field: 'purge', message: 'must be true or false' }]);
    }
    await this.videos.purge(id);
    res.status(204);
  }
}
