import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { NotFoundError } from '../common/api-errors';
import { idempotencyScope } from '../common/api-key.middleware';
import { CACHE_POLICY } from '../http/cache-policy';
import { sendFile } from '../http/send-file';
import { Streaming, TemporalDeadlineInterceptor } from '../temporal/temporal-deadline.interceptor';
import { streamStatusEvents } from '../videos/video-events';
import { transcriptionStatusVersion } from './transcription-events';
import { FILE_TYPES, TranscriptionsService, type TranscriptionFile } from './transcriptions.service';

const SUBTITLES = /^subtitles\.(srt|vtt|json|txt)$/;

/** HTTP <-> TranscriptionsService. No rules live here. */
@ApiTags('transcriptions')
@Controller('api/transcriptions')
@UseInterceptors(TemporalDeadlineInterceptor)
export class TranscriptionsController {
  constructor(private readonly transcriptions: TranscriptionsService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Transcribe an upload, a video or an http(s) URL: subtitles (SRT, WebVTT, JSON, text) and optionally a burned-in MP4' })
  @ApiBody({ schema: { $ref: '#/components/schemas/TranscriptionRequest' } })
  @ApiResponse({ status: 202, description: 'Accepted; poll links.self' })
  async create(
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const created = await this.transcriptions.create(body, key, idempotencyScope(req));
    res.setHeader('Location', created.links.self);
    return created;
  }

  @Get()
  @ApiOperation({ summary: 'Transcriptions, newest first, filtered by status, from Temporal visibility; paginated with cursor' })
  index(@Query() query: unknown) {
    return this.transcriptions.list(query);
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'Server-sent events: the status object each time it changes, until a terminal status' })
  @Streaming()
  async events(@Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    await streamStatusEvents(req, res, { read: () => this.transcriptions.getForStream(id), version: transcriptionStatusVersion });
  }

  @Get(':id/file')
  @ApiOperation({ summary: 'The MP4 with the subtitles burned in (burnIn.enabled), supports Range' })
  async video(@Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    await this.send(id, 'video', req, res);
  }

  @Get(':id/:name')
  @ApiOperation({ summary: 'A subtitle file of a completed transcription: subtitles.srt, subtitles.vtt, subtitles.json or subtitles.txt' })
  async subtitles(@Param('id') id: string, @Param('name') name: string, @Req() req: Request, @Res() res: Response) {
    const format = SUBTITLES.exec(name)?.[1] as TranscriptionFile | undefined;
    if (!format) throw new NotFoundError(`no ${name} here: the files are subtitles.srt, subtitles.vtt, subtitles.json, subtitles.txt and file`);
    await this.send(id, format, req, res);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status of a transcription: stage, progress, chunks done, result files' })
  get(@Param('id') id: string) {
    return this.transcriptions.get(id);
  }

  @Delete(':id')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a running transcription (its tools stop, partial files are removed)' })
  cancel(@Param('id') id: string) {
    return this.transcriptions.cancel(id);
  }

  private async send(id: string, file: TranscriptionFile, req: Request, res: Response): Promise<void> {
    const path = await this.transcriptions.file(id, file);
    res.setHeader('Cache-Control', CACHE_POLICY.finished);
    if (file !== 'video') res.setHeader('Content-Disposition', `attachment; filename="${id}.${file}"`);
    await sendFile(req, res, { path, type: FILE_TYPES[file] });
  }
}
