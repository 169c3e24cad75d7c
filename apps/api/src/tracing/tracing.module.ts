import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Tracing } from '@vidflow/tracing';

const TRACING = Symbol('Tracing');

/** Imported by AppModule only while tracing is on: exports the spans still in the batch when the API stops. */
@Module({})
export class TracingModule implements OnApplicationShutdown {
  static forRoot(tracing: Tracing): DynamicModule {
    return { module: TracingModule, providers: [{ provide: TRACING, useValue: tracing }] };
  }

  constructor(@Inject(TRACING) private readonly tracing: Tracing) {}

  async onApplicationShutdown(): Promise<void> {
    await this.tracing.shutdown();
  }
}
