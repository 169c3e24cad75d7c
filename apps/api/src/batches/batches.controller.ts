import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { BATCH_PAGE_DEFAULT } from '@vidflow/contracts';
import { z } from 'zod';
import { validate } from '../common/zod-validation';
import { idempotencyScope } from '../common/api-key.middleware';
import { TemporalDeadlineInterceptor } from '../temporal/temporal-deadline.interceptor';
import { BatchesService } from './batches.service';

/** `?offset=&limit=` of GET /api/batches/:id (the OpenAPI document's parameters come from it too). */
export const BatchPageQuerySchema = z.strictObject({
  offset: z.coerce.number().int().min(0).default(BATCH_PAGE_DEFAULT.offset),
  limit: z.coerce.number().int().min(1).max(1000).default(BATCH_PAGE_DEFAULT.limit),
});

/** HTTP <-> BatchesService. */
@ApiTags('batches')
@Controller('api/batches')
@UseInterceptors(TemporalDeadlineInterceptor)
export class BatchesController {
  constructor(private readonly batches: BatchesService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Submit a batch: items merged over defaults, at most maxConcurrent at once' })
  async create(
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const created = await this.batches.create(body, key, idempotencyScope(req));
    res.setHeader('Location', created.links.self);
    return created;
  }

  @Get(':id')
  @ApiOperation({ summary: 'Counts and per-item status (items paginated with offset and limit)' })
  get(@Param('id') id: string, @Query() query: unknown) {
    return this.batches.get(id, validate(BatchPageQuerySchema, query, 'query'));
  }

  @Delete(':id')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel the batch and its running videos' })
  cancel(@Param('id') id: string) {
    return this.batches.cancel(id);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Re-run only the failed items of a finished batch' })
  retry(@Param('id') id: string) {
    return this.batches.retry(id);
  }
}
