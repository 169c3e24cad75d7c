import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { type ArtifactCache, openCache } from '@vidflow/cache';
import { openObjectStore } from '@vidflow/activities';
import type { VidflowConfig } from '@vidflow/config';
import { CACHE, CONFIG } from './tokens';

export const cacheProvider: Provider = {
  provide: CACHE,
  inject: [CONFIG],
  // With ARTIFACT_STORE=s3 the cache's files live in the artifact bucket (config.cache.files = 'bucket').
  useFactory: (config: VidflowConfig) => openCache(config.cache, openObjectStore(config)),
};

/** Closes the cache (its PostgreSQL pool, when there is one) when the worker stops. */
@Injectable()
export class CacheCloser implements OnApplicationShutdown {
  constructor(@Inject(CACHE) private readonly cache: ArtifactCache) {}

  async onApplicationShutdown(): Promise<void> {
    await this.cache.close();
  }
}
