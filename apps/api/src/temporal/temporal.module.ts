import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import type { VidflowConfig } from '@vidflow/config';
import { tracingClientInterceptors } from '@vidflow/tracing';
import { CONFIG, TEMPORAL_CLIENT } from '../tokens';
import { TemporalGateway } from './temporal-gateway';

/**
 * The Temporal client, seen by the rest of the API only through TemporalGateway. The connection is lazy: the API starts (and answers health checks and 503s)
 * while Temporal is still down or restarting, and reconnects by itself when it comes back.
 */
@Global()
@Module({
  providers: [
    {
      provide: TEMPORAL_CLIENT,
      inject: [CONFIG],
      useFactory: (config: VidflowConfig) =>
        new Client({
          connection: Connection.lazy({ address: config.temporal.address, connectTimeout: '5s' }),
          namespace: config.temporal.namespace,
          // StartWorkflow spans carrying the request's trace to the run; none while tracing is off.
          interceptors: { workflow: tracingClientInterceptors(config.tracing) },
        }),
    },
    TemporalGateway,
  ],
  exports: [TemporalGateway],
})
export class TemporalModule implements OnApplicationShutdown {
  constructor(@Inject(TEMPORAL_CLIENT) private readonly client: Client) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.connection.close();
  }
}
