import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CACHE_POLICY } from '../http/cache-policy';
import { sendFile } from '../http/send-file';
import { TemporalDeadlineInterceptor } from '../temporal/temporal-deadline.interceptor';
import { MediaService } from './media.service';

/** HTTP <-> MediaService. No rules live here. */
@ApiTags('media')
@Controller('api/media')
export class MediaController {
  constructor(private readonly media: MediaService) {}

  @Post()
  @HttpCode(201)
  @UseInterceptors(TemporalDeadlineInterceptor)
  @ApiOperation({ summary: 'Add a file to the media library: multipart field `file`, or JSON { upload } of a finished tus upload; sniffed with ffprobe (image, video or audio, else 415)' })
  async create(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const item = await this.media.create(req);
    res.setHeader('Location', item.links.self);
    return item;
  }

  @Get()
  @ApiOperation({ summary: 'Media-library items, newest first, filtered by kind; paginated with cursor' })
  index(@Query() query: unknown) {
    return this.media.list(query);
  }

  @Get(':id/file')
  @ApiOperation({ summary: "An item's file (supports Range)" })
  async file(@Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    const { path, contentType } = await this.media.file(id);
    // Content-addressed: the bytes under an id never change.
    res.setHeader('Cache-Control', CACHE_POLICY.finished);
    await sendFile(req, res, { path, type: contentType });
  }

  @Get(':id')
  @ApiOperation({ summary: 'A media-library item' })
  get(@Param('id') id: string) {
    return this.media.get(id);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Remove an item from the media library (requests naming it afterwards get 422)' })
  remove(@Param('id') id: string) {
    return this.media.remove(id);
  }
}
