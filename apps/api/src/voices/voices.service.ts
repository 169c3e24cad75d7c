import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ObjectStore } from '@vidflow/activities/object-store';
import { VOICE_CATALOG_FILE, VoiceCatalogSchema, type VoiceCatalog } from '@vidflow/contracts';
import { text as readText } from 'node:stream/consumers';
import { ApiError } from '../common/api-errors';
import { OBJECT_STORE } from '../tokens';

export class VoicesUnpublishedError extends ApiError {
  readonly status = 503;
  readonly code = 'VOICES_UNAVAILABLE';
  override headers = { 'Retry-After': '5' };
}

/** A catalog is a few KiB; anything past this is not one. */
const MAX_CATALOG_BYTES = 4 * 1024 * 1024;

/**
 * The voices the workers published at boot (apps/worker/src/publish-voices.ts says why an object): `voices.json` in
 * the artifact store, which is DATA_DIR with ARTIFACT_STORE=local and the bucket with s3, so an API on another
 * host than every worker sees them. Looked up again (a stat, then a read only when it changed) once the copy in
 * memory is older than `freshMs`, so a restarted worker's list shows within seconds; the API never runs a speech
 * tool itself.
 */
@Injectable()
export class VoicesService implements OnModuleInit {
  /** How long a looked-up catalog is answered without asking the store again (the spec sets 0). */
  freshMs = 2000;
  private cached?: { version: string; catalog: VoiceCatalog };
  private checkedAt = Number.NEGATIVE_INFINITY;
  private checking?: Promise<void>;
  private readonly logger = new Logger(VoicesService.name);

  constructor(@Inject(OBJECT_STORE) private readonly objects: ObjectStore) {}

  async onModuleInit(): Promise<void> {
    await this.refresh();
  }

  /**
   * The catalog as last looked up, or undefined while no worker has published one (or it is unreadable); a stale
   * copy starts a lookup in the background, so request validation never waits on the store.
   */
  current(): VoiceCatalog | undefined {
    if (this.stale() && !this.checking) void this.refresh();
    return this.cached?.catalog;
  }

  /** GET /api/voices: the catalog, looked up first when stale; 503 with Retry-After while none is published. */
  async list(): Promise<VoiceCatalog> {
    if (this.stale()) await (this.checking ?? this.refresh());
    const catalog = this.cached?.catalog;
    if (!catalog) throw new VoicesUnpublishedError('no worker has published its voices yet (start a worker with the same ARTIFACT_STORE, or the same DATA_DIR)');
    return catalog;
  }

  /** Looks the published catalog up now: after the lookup in flight, if any (one at a time against the store). */
  refresh(): Promise<void> {
    const next: Promise<void> = (this.checking ?? Promise.resolve()).then(() => this.check()).finally(() => {
      this.checkedAt = Date.now();
      if (this.checking === next) this.checking = undefined;
    });
    this.checking = next;
    return next;
  }

  /** Until a catalog is known every call looks (a stat): the first GET after a worker published must see it. */
  private stale(): boolean {
    return !this.cached || Date.now() - this.checkedAt >= this.freshMs;
  }

  private async check(): Promise<void> {
    let text: string;
    let version: string;
    try {
      const stat = await this.objects.stat(VOICE_CATALOG_FILE);
      if (!stat) {
        this.cached = undefined;
        return;
      }
      version = stat.etag ?? `${stat.bytes}:${stat.modifiedMs}`;
      if (this.cached?.version === version) return;
      if (stat.bytes > MAX_CATALOG_BYTES) throw new Error(`${VOICE_CATALOG_FILE} is ${stat.bytes} bytes`);
      const stream = await this.objects.read(VOICE_CATALOG_FILE);
      if (!stream) {
        this.cached = undefined;
        return;
      }
      text = await readText(stream);
    } catch (err) {
      // The store did not answer (a bucket restarting): keep answering the list last read.
      this.logger.warn({ msg: 'could not look up the published voices; answering the last list read', error: (err as Error).message });
      return;
    }
    try {
      this.cached = { version, catalog: VoiceCatalogSchema.parse(JSON.parse(text)) };
    } catch {
      // A malformed catalog is no catalog: 503 and no voice.name check, never a 500.
      this.cached = undefined;
    }
  }
}
