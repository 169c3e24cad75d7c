import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { VidflowConfig } from '@vidflow/config';
import { CONFIG } from '../tokens';

/** What the Studio needs to know about this server that no other route says (links it shows). */
@ApiTags('studio')
@Controller('api/studio')
export class StudioConfigController {
  constructor(@Inject(CONFIG) private readonly config: VidflowConfig) {}

  @Get('config')
  @ApiOperation({ summary: 'Settings the Studio shows: the Temporal Web UI address and namespace' })
  get() {
    return { temporalUiUrl: this.config.temporal.uiUrl, temporalNamespace: this.config.temporal.namespace };
  }
}
