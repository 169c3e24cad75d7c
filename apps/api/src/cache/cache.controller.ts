import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CacheService } from './cache.service';

/** HTTP <-> CacheService. */
@ApiTags('cache')
@Controller('api/cache')
export class CacheController {
  constructor(private readonly cache: CacheService) {}

  @Get('stats')
  @ApiOperation({ summary: 'Entries, bytes, hits and misses per stage (counted across all processes)' })
  stats() {
    return this.cache.stats();
  }

  @Delete('entries/:key')
  @ApiOperation({ summary: 'Invalidate one entry' })
  invalidate(@Param('key') key: string) {
    return this.cache.invalidate(key);
  }

  @Delete()
  @ApiOperation({ summary: 'Invalidate every entry of a stage (?stage=script|tts|render|pipeline)' })
  invalidateStage(@Query() query: unknown) {
    return this.cache.invalidateStage(query);
  }

  @Post('cleanup')
  @HttpCode(200)
  @ApiOperation({ summary: 'Drop expired entries (and evict over the size limit) now' })
  cleanup() {
    return this.cache.cleanup();
  }
}
