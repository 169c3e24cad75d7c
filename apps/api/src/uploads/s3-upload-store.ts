import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { S3Store, type MetadataValue } from '@tus/s3-store';
import { ERRORS, Upload, type KvStore } from '@tus/utils';
import { isS3NotFound, s3ClientConfig } from '@vidflow/activities/object-store';
import type { S3Config } from '@vidflow/config';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checksumHash, expectedChecksum, hashingStream, type ExpectedChecksum } from './upload-checksum';
import { CHECKSUM_MISMATCH, UPLOAD_ID, type StoredUpload, type UploadBackend } from './upload-store';

/**
 * Parts of an upload's multipart upload in the bucket: every part but the last is exactly this size (S3's minimum
 * is 5 MiB). A PATCH that ends between two part boundaries keeps its tail as the `<id>.part` object until the next
 * PATCH completes the part.
 */
export const UPLOAD_PART_BYTES = 8 * 1024 * 1024;
/**
 * Parts of one PATCH uploaded at once. tus spools each part to a temporary file before sending it (os.tmpdir()),
 * so a PATCH holds at most this many parts on disk and none in memory.
 */
const PARTS_IN_FLIGHT = 2;
/** A checksummed PATCH's spool file untouched this long belonged to a process that died; the expiry sweep removes it. */
const STALE_SPOOL_MS = 60 * 60 * 1000;

/** The S3 client settings of the artifact bucket (the same S3_* settings as the ObjectStore's), for tus's S3Store. */
export function uploadS3ClientConfig(s3: S3Config): S3ClientConfig & { bucket: string } {
  return { bucket: s3.bucket, ...s3ClientConfig(s3) };
}

/**
 * Resumable uploads in the artifact bucket (ARTIFACT_STORE=s3), on tus's S3 store: an upload is a multipart upload
 * of the object `<id>` at the bucket's top level, described by the object `<id>.info` (size, metadata, creation date,
 * the multipart upload's id), with the tail of the last PATCH that did not fill a part in `<id>.part`. The offset is
 * what the bucket holds (the parts listed plus that tail), so any API replica answers HEAD and takes the next PATCH;
 * the object appears only when CompleteMultipartUpload joins the parts, i.e. once the upload is complete.
 *
 * What this adds to the stock store, as UploadStore does to the file store:
 * - checksum: a PATCH with `Upload-Checksum` is received into a spool file under `spoolDir` (hashed on the way,
 *   constant memory) and sent to the bucket only when its digest matches; a mismatch answers 460 and nothing of the
 *   chunk reaches the bucket (a part once uploaded cannot be taken back);
 * - finished uploads: never expired (HEAD would say 410 once the creation is older than the expiry), and only
 *   finished when the object exists (tus also calls an upload finished when its multipart upload is gone, which a
 *   bucket lifecycle rule may have aborted);
 * - expiry of this store's unfinished uploads only, by their recorded creation date, never while this process is
 *   writing to one: the stock sweep aborts every multipart upload in the bucket older than the expiry, the
 *   artifact store's own included;
 * - termination of finished uploads too (the stock store answers 404 for them and keeps the object);
 * - no deferred length: the size is known at creation, so the limit is checked before a byte is stored;
 * - an empty upload is complete at creation (tus would leave it a multipart upload without parts, never an object).
 */
export class S3UploadStore extends S3Store implements UploadBackend {
  readonly kind = 's3' as const;
  private readonly writing = new Map<string, number>();
  private readonly spoolDir: string;

  constructor(options: { s3: S3Config; expirySeconds: number; spoolDir: string }) {
    super({
      partSize: UPLOAD_PART_BYTES,
      minPartSize: UPLOAD_PART_BYTES,
      maxConcurrentPartUploads: PARTS_IN_FLIGHT,
      expirationPeriodInMilliseconds: options.expirySeconds * 1000,
      cache: new NoCache<MetadataValue>(),
      s3ClientConfig: uploadS3ClientConfig(options.s3),
    });
    this.spoolDir = options.spoolDir;
    this.extensions = ['creation', 'creation-with-upload', 'termination', 'expiration', 'checksum'];
  }

  /** An empty upload is complete at creation: its (empty) object is made at once, as the file store's empty file is. */
  override async create(upload: Upload): Promise<Upload> {
    const created = await super.create(upload);
    if (created.size === 0) await super.write(Readable.from([]), created.id, 0);
    return created;
  }

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    // Nothing more to take (creation-with-upload of an empty upload, finished at creation).
    if (offset === 0 && (await this.getMetadata(id)).file.size === 0) {
      readable.resume();
      return 0;
    }
    this.writing.set(id, (this.writing.get(id) ?? 0) + 1);
    try {
      const expected = expectedChecksum.getStore();
      return expected ? await this.writeVerified(readable, id, offset, expected) : await super.write(readable, id, offset);
    } finally {
      const left = (this.writing.get(id) ?? 1) - 1;
      if (left) this.writing.set(id, left);
      else this.writing.delete(id);
    }
  }

  /** The chunk into a spool file, hashed; on to the bucket only when the digest is the client's. */
  private async writeVerified(readable: Readable, id: string, offset: number, expected: ExpectedChecksum): Promise<number> {
    await mkdir(this.spoolDir, { recursive: true });
    const spool = join(this.spoolDir, `${id}.${randomBytes(6).toString('hex')}`);
    const hash = checksumHash(expected.algorithm);
    try {
      await pipeline(
        readable,
        hashingStream(hash),
        createWriteStream(spool, { flags: 'wx' }),
      );
      if (!hash.digest().equals(expected.digest)) throw CHECKSUM_MISMATCH;
      return await super.write(createReadStream(spool), id, offset);
    } finally {
      await rm(spool, { force: true });
    }
  }

  override async getUpload(id: string): Promise<Upload> {
    const upload = await this.load(id);
    // A finished upload does not expire (Upload then dates it now).
    return upload.size !== undefined && upload.offset >= upload.size ? new Upload({ ...upload, creation_date: undefined }) : upload;
  }

  /** tus's view of an upload, finished only when its object is there (tus also says so once the multipart upload is gone, which a bucket lifecycle rule may have aborted). */
  private async load(id: string): Promise<Upload> {
    const upload = await super.getUpload(id);
    if (upload.size !== undefined && upload.offset >= upload.size && (await this.objectBytes(id)) === undefined) throw ERRORS.FILE_NOT_FOUND;
    return upload;
  }

  async find(id: string): Promise<StoredUpload | undefined> {
    if (!UPLOAD_ID.test(id)) return undefined;
    let upload: Upload;
    try {
      upload = await this.load(id);
    } catch (err) {
      if (err === ERRORS.FILE_NOT_FOUND || isS3NotFound(err)) return undefined;
      throw err;
    }
    if (upload.size === undefined) return undefined;
    return { id, key: id, size: upload.size, offset: upload.offset, metadata: upload.metadata ?? {}, createdAt: new Date(upload.creation_date ?? 0) };
  }

  async open(upload: StoredUpload): Promise<Readable> {
    if (upload.key === undefined) throw new Error(`upload ${upload.id} is not in the bucket`);
    return this.read(upload.key);
  }

  close(): void {
    this.client.destroy();
  }

  /** Removes an upload, finished or not: its multipart upload, object, unfinished tail and description (last). */
  override async remove(id: string): Promise<void> {
    let description: MetadataValue;
    try {
      description = await this.getMetadata(id);
    } catch (err) {
      if (isS3NotFound(err)) throw ERRORS.FILE_NOT_FOUND;
      throw err;
    }
    await this.discard(id, [description['upload-id']]);
  }

  /**
   * Removes the unfinished uploads whose recorded creation is older than the expiry (HEAD and PATCH answer 410 for
   * them already), with their multipart uploads; finished uploads, fresh ones and those this process is writing to
   * stay. Only objects named like this store's uploads are looked at. Also drops spool files a dead process left.
   */
  override async deleteExpired(): Promise<number> {
    const expiry = this.getExpiration();
    if (expiry <= 0) return 0;
    const cutoff = Date.now() - expiry;
    const multipart = new Map<string, string[]>();
    for await (const open of this.multipartUploads()) multipart.set(open.key, [...(multipart.get(open.key) ?? []), open.uploadId]);
    const finished = new Set<string>();
    const described: string[] = [];
    for await (const key of this.objectKeys()) {
      if (UPLOAD_ID.test(key)) finished.add(key);
      else if (key.endsWith('.info') && UPLOAD_ID.test(key.slice(0, -'.info'.length))) described.push(key.slice(0, -'.info'.length));
    }
    let removed = 0;
    for (const id of described) {
      if (finished.has(id) || this.writing.has(id)) continue;
      const recorded = await this.recorded(id);
      if (!recorded || recorded.created > cutoff) continue;
      // Looked at again just before: it may have been finished (or begun to be written here) since the listing.
      if (this.writing.has(id) || (await this.objectBytes(id)) !== undefined) continue;
      await this.discard(id, [...new Set([...(multipart.get(id) ?? []), ...(recorded.uploadId ? [recorded.uploadId] : [])])]);
      removed++;
    }
    await this.dropStaleSpools();
    return removed;
  }

  /** Aborts the multipart uploads, then deletes the object, the tail and the description (a crash leaves it findable). */
  private async discard(id: string, uploadIds: string[]): Promise<void> {
    for (const uploadId of uploadIds) {
      await this.client.abortMultipartUpload({ Bucket: this.bucket, Key: id, UploadId: uploadId }).catch(ignoreNotFound);
    }
    for (const key of [id, this.partKey(id, true), this.infoKey(id)]) {
      await this.client.deleteObject({ Bucket: this.bucket, Key: key }).catch(ignoreNotFound);
    }
    await this.clearCache(id);
  }

  /**
   * The creation date and multipart upload id an upload's description records, read from the bucket (tus's own
   * read may come from a cache); undefined without a description or a valid date.
   */
  private async recorded(id: string): Promise<{ created: number; uploadId?: string } | undefined> {
    try {
      const res = await this.client.getObject({ Bucket: this.bucket, Key: this.infoKey(id) });
      const info = parseJson((await res.Body?.transformToString()) ?? '') as { creation_date?: unknown } | undefined;
      const created = typeof info?.creation_date === 'string' ? Date.parse(info.creation_date) : Number.NaN;
      return Number.isFinite(created) ? { created, uploadId: res.Metadata?.['upload-id'] } : undefined;
    } catch (err) {
      if (isS3NotFound(err)) return undefined;
      throw err;
    }
  }

  /** The size of an upload's finished object; undefined when there is none. */
  private async objectBytes(id: string): Promise<number | undefined> {
    try {
      return (await this.client.headObject({ Bucket: this.bucket, Key: id })).ContentLength ?? 0;
    } catch (err) {
      if (isS3NotFound(err)) return undefined;
      throw err;
    }
  }

  /** The bucket's open multipart uploads of this store's keys (`upl-…`). */
  private async *multipartUploads(): AsyncGenerator<{ key: string; uploadId: string }> {
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const page = await this.client.listMultipartUploads({ Bucket: this.bucket, Prefix: 'upl-', KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker });
      for (const u of page.Uploads ?? []) if (u.Key && u.UploadId && UPLOAD_ID.test(u.Key)) yield { key: u.Key, uploadId: u.UploadId };
      if (!page.IsTruncated) return;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
  }

  /** The keys of the bucket's objects under `upl-`. */
  private async *objectKeys(): AsyncGenerator<string> {
    let token: string | undefined;
    do {
      const page = await this.client.listObjectsV2({ Bucket: this.bucket, Prefix: 'upl-', ContinuationToken: token });
      for (const o of page.Contents ?? []) if (o.Key) yield o.Key;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  private async dropStaleSpools(): Promise<void> {
    const names = await readdir(this.spoolDir).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(this.spoolDir, name);
      const st = await stat(path).catch(() => undefined);
      if (st && st.mtimeMs < Date.now() - STALE_SPOOL_MS) await rm(path, { force: true });
    }
  }
}

/**
 * tus's S3 store keeps each upload's description in memory once read. Another replica may remove or finish the upload
 * meanwhile (termination, expiry), so each request reads it from the bucket instead: one small GET.
 */
class NoCache<T> implements KvStore<T> {
  async get(): Promise<T | undefined> {
    return undefined;
  }

  async set(): Promise<void> {}

  async delete(): Promise<void> {}
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function ignoreNotFound(err: unknown): void {
  if (!isS3NotFound(err)) throw err;
}
