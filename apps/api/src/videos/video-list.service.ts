import { Injectable, Optional } from '@nestjs/common';
import type { RunStatus } from '@vidflow/contracts';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../common/page-cursor';
import { validate } from '../common/zod-validation';
import { TemporalGateway } from '../temporal/temporal-gateway';
import { links, VideosService } from './videos.service';

export const ListQuerySchema = z.strictObject({
  status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(4096).optional(),
  batchId: z.string().regex(/^bat-[A-Za-z0-9._:-]{1,200}$/).optional(),
});

export interface VideoListItem {
  id: string;
  status: RunStatus;
  stage?: string;
  batchId?: string;
  createdAt?: string;
  updatedAt?: string;
  links: ReturnType<typeof links>;
}

/**
 * `GET /api/videos`: served from Temporal visibility (the search attributes every video carries),
 * one request per page however many videos there are; no workflow is queried or replayed.
 */
@Injectable()
export class VideoListService {
  constructor(
    private readonly temporal: TemporalGateway,
    /** Videos deleted here drop out of the list at once (Temporal's visibility lags their deletion). */
    @Optional() private readonly videos?: VideosService,
  ) {}

  async list(query: unknown): Promise<{ items: VideoListItem[]; nextCursor: string | null }> {
    const q = validate(ListQuerySchema, query, 'query');
    const page = await this.temporal.listVideos({ status: q.status, batchId: q.batchId }, q.limit, q.cursor ? decodeCursor(q.cursor) : undefined);
    const items = page.videos.filter((v) => !this.videos?.isPurged(v.id)).map(
      (v): VideoListItem => ({
        id: v.id,
        status: v.status,
        stage: v.stage,
        batchId: v.batchId,
        createdAt: v.startTime?.toISOString(),
        updatedAt: (v.closeTime ?? v.startTime)?.toISOString(),
        links: links(v.id, v.status),
      }),
    );
    return { items, nextCursor: encodeCursor(page.nextPageToken) };
  }
}

