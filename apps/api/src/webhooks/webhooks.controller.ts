import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { WebhooksService } from './webhooks.service';

/**
 * HTTP <-> WebhooksService. Not under the Temporal deadline interceptor: the ping waits for the receiver
 * (up to WEBHOOK_TIMEOUT_SECONDS); each Temporal call of the service has its own bound.
 */
@ApiTags('webhooks')
@Controller('api/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send one signed `ping` webhook to a URL (no retries) and report what the receiver answered' })
  test(@Body() body: unknown) {
    return this.webhooks.test(body);
  }
}
