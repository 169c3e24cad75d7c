import { Inject, Injectable } from '@nestjs/common';
import type { VidflowConfig } from '@vidflow/config';
import { VOICE_CATALOG_FILE, VoiceCatalogSchema, type VoiceCatalog } from '@vidflow/contracts';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../common/api-errors';
import { CONFIG } from '../tokens';

export class VoicesUnpublishedError extends ApiError {
  readonly status = 503;
  readonly code = 'VOICES_UNAVAILABLE';
  override headers = { 'Retry-After': '5' };
}

/**
 * The voices the workers published to DATA_DIR/voices.json at boot (apps/worker/src/publish-voices.ts says why a
 * file). Re-read when the file changes (a worker restarted), so the API never runs a speech tool itself.
 */
@Injectable()
export class VoicesService {
  private cached?: { mtimeMs: number; size: number; catalog: VoiceCatalog };

  constructor(@Inject(CONFIG) private readonly config: VidflowConfig) {}

  /** The published catalog, or undefined while no worker has published one (or it is unreadable). */
  current(): VoiceCatalog | undefined {
    const path = join(this.config.dataDir, VOICE_CATALOG_FILE);
    let stat: { mtimeMs: number; size: number };
    try {
      stat = statSync(path);
    } catch {
      return undefined;
    }
    if (this.cached && this.cached.mtimeMs === stat.mtimeMs && this.cached.size === stat.size) return this.cached.catalog;
    try {
      const catalog = VoiceCatalogSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
      this.cached = { mtimeMs: stat.mtimeMs, size: stat.size, catalog };
      return catalog;
    } catch {
      return undefined;
    }
  }

  list(): VoiceCatalog {
    const catalog = this.current();
    if (!catalog) throw new VoicesUnpublishedError('no worker has published its voices yet (start a worker with the same DATA_DIR)');
    return catalog;
  }
}
