import { FileStore } from '@tus/file-store';
import { Upload, type DataStore } from '@tus/utils';
import { createReadStream } from 'node:fs';
import { stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { checksumHash, expectedChecksum, hashingStream } from './upload-checksum';
import { UploadInfoStore } from './upload-info-store';

/** The upload ids this server hands out; anything else is no upload of ours (and never a path). */
export const UPLOAD_ID = /^upl-[0-9a-f]{32}$/;

/** tus checksum extension: the chunk's digest differs from the client's `Upload-Checksum`. */
export const CHECKSUM_MISMATCH = { status_code: 460, body: 'Checksum Mismatch: the chunk was not stored\n' };

/** What the API needs of a stored upload: where its bytes are, a file under DATA_DIR (local) or an object in the bucket (s3). */
export type StoredUpload = {
  id: string;
  size: number;
  offset: number;
  metadata: Record<string, string | null>;
  createdAt: Date;
} & ({ path: string; key?: undefined } | { key: string; path?: undefined });

/** A tus data store (local files or the S3 bucket, see openUploadStore) with what the API asks of it besides tus. */
export interface UploadBackend extends DataStore {
  readonly kind: 'local' | 's3';
  /** An upload by id with its real offset and creation date; undefined when there is none. */
  find(id: string): Promise<StoredUpload | undefined>;
  /** The bytes of a finished upload, as a stream (never whole in memory). */
  open(upload: StoredUpload): Promise<Readable>;
  /** Lets go of connections (the bucket's client) when the API stops. */
  close?(): void;
}

/**
 * tus's file store (data streamed to `<dir>/<id>` with constant memory, the offset being the file's size, so
 * an upload resumes after a restart), with what it lacks:
 * - checksum: a chunk that came with `Upload-Checksum` is hashed as it streams to disk; when its digest
 *   differs (or the chunk broke off), the file is cut back to the chunk's start offset and the PATCH answers
 *   460, so the client resends the chunk from there;
 * - expiration of unfinished uploads only: the stock store compares the offset it recorded at creation (always
 *   0), so it would also delete finished uploads; a finished upload is never reported expired either (HEAD
 *   would say 410 once its creation is older than the expiry);
 * - no deferred length: the size is known at creation, so the limit is checked before a byte is stored.
 */
export class UploadStore extends FileStore implements UploadBackend {
  readonly kind = 'local' as const;

  constructor(private readonly options: { dir: string; expirySeconds: number }) {
    super({ directory: options.dir, configstore: new UploadInfoStore(options.dir), expirationPeriodInMilliseconds: options.expirySeconds * 1000 });
    this.extensions = ['creation', 'creation-with-upload', 'termination', 'expiration', 'checksum'];
  }

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    const expected = expectedChecksum.getStore();
    if (!expected) return super.write(readable, id, offset);
    const hash = checksumHash(expected.algorithm);
    const hashing = hashingStream(hash);
    readable.once('error', (err) => hashing.destroy(err));
    let end: number;
    try {
      end = await super.write(readable.pipe(hashing), id, offset);
    } catch (err) {
      await this.cutBack(id, offset);
      throw err;
    }
    if (!hash.digest().equals(expected.digest)) {
      await this.cutBack(id, offset);
      throw CHECKSUM_MISMATCH;
    }
    return end;
  }

  override async getUpload(id: string): Promise<Upload> {
    const upload = await super.getUpload(id);
    if (upload.size === undefined || upload.offset < upload.size) return upload;
    // A finished upload does not expire: tus checks the creation date only, so it is left out here (Upload
    // then dates it now).
    return new Upload({ ...upload, creation_date: undefined });
  }

  override async deleteExpired(): Promise<number> {
    const now = Date.now();
    let removed = 0;
    for (const id of await (this.configstore as UploadInfoStore).list()) {
      const upload = await this.find(id);
      if (!upload || upload.offset >= upload.size) continue;
      if (upload.createdAt.getTime() + this.options.expirySeconds * 1000 < now) {
        await this.remove(id).catch(() => undefined);
        removed++;
      }
    }
    return removed;
  }

  /** An upload by id with its real offset and creation date; undefined when there is none (or no data file). */
  async find(id: string): Promise<StoredUpload | undefined> {
    if (!UPLOAD_ID.test(id)) return undefined;
    const info = await this.configstore.get(id);
    if (!info || info.size === undefined) return undefined;
    const path = join(this.options.dir, id);
    const stats = await stat(path).catch(() => undefined);
    if (!stats?.isFile()) return undefined;
    return {
      id,
      path,
      size: info.size,
      offset: stats.size,
      metadata: info.metadata ?? {},
      createdAt: new Date(info.creation_date ?? stats.birthtime),
    };
  }

  async open(upload: StoredUpload): Promise<Readable> {
    if (upload.path === undefined) throw new Error(`upload ${upload.id} is not a local file`);
    return createReadStream(upload.path);
  }

  private async cutBack(id: string, offset: number): Promise<void> {
    await truncate(join(this.options.dir, id), offset).catch(() => undefined);
  }
}
