import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { VoicesService } from './voices.service';

/** HTTP <-> VoicesService. */
@ApiTags('voices')
@Controller('api/voices')
export class VoicesController {
  constructor(private readonly voices: VoicesService) {}

  @Get()
  @ApiOperation({ summary: "The voices of each speech provider, as the workers found them installed (503 until a worker has published them)" })
  list() {
    return this.voices.list();
  }
}
