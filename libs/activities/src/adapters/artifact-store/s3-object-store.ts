import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3Config } from '@vidflow/config';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { checkKey, writeWhole, type ObjectStat, type ObjectStore } from './object-store';

/** Parts of a multipart upload: S3's minimum is 5 MiB; two in flight bound an upload's memory to about 16 MiB. */
const PART_BYTES = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;
/** The largest object one CopyObject may copy; bigger ones are streamed through this host. */
const COPY_MAX_BYTES = 5 * 1024 ** 3;

/** The AWS SDK client settings of the artifact bucket (S3_*), for every client of it (this store, tus's S3 store). */
export function s3ClientConfig(config: S3Config): S3ClientConfig {
  return {
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    // Non-enumerable on S3Config (never logged); undefined: the SDK's default credential chain.
    credentials: config.credentials,
    // Self-hosted stores reject the SDK's default CRC checksums on presigned PUTs (BadDigest) and on streamed parts;
    // send them only where an operation requires one.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

/**
 * The S3 backend (AWS SDK v3), for AWS itself or a compatible server (SeaweedFS, MinIO). Files go up as multipart
 * uploads read from disk part by part (never whole in memory); S3 shows a multipart object only once
 * CompleteMultipartUpload succeeded, and a failed upload is aborted, so no reader ever sees half a video.
 */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3' as const;
  readonly bucket: string;
  readonly client: S3Client;
  /** Objects bigger than this are copied by streaming through this host (CopyObject's limit; tests lower it). */
  copyMaxBytes = COPY_MAX_BYTES;

  constructor(config: S3Config, client?: S3Client) {
    this.bucket = config.bucket;
    this.client = client ?? new S3Client(s3ClientConfig(config));
  }

  async putFile(key: string, file: string, options: { contentType?: string; metadata?: Record<string, string> } = {}): Promise<{ bytes: number }> {
    const bytes = (await stat(file)).size;
    const source = createReadStream(file, { highWaterMark: 1024 * 1024 });
    const body = exactly(bytes, file);
    // pipe() does not forward errors: a read error must fail the upload, not leave it waiting.
    source.once('error', (err) => body.destroy(err));
    source.pipe(body);
    await this.upload(key, body, options);
    return { bytes };
  }

  async stat(key: string): Promise<ObjectStat | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: checkKey(key) }));
      return { bytes: head.ContentLength ?? 0, modifiedMs: head.LastModified?.getTime() ?? 0, etag: head.ETag, metadata: head.Metadata ?? {} };
    } catch (err) {
      if (isS3NotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * A server-side CopyObject within the bucket. The ETag is checked twice: by a HEAD first (a clear error, and the
   * size), and as CopySourceIfMatch, which closes the gap between the two on a server that honours it. An object
   * past CopyObject's 5 GiB limit is streamed through this host into a multipart upload instead (GetObject with
   * IfMatch), never whole in memory.
   */
  async copy(source: string, key: string, options: { contentType?: string; ifMatch?: string } = {}): Promise<void> {
    const head = await this.stat(source);
    if (!head) throw new Error(`no object ${source} to copy`);
    if (options.ifMatch !== undefined && head.etag !== options.ifMatch) {
      throw new Error(`object ${source} changed (ETag ${head.etag ?? 'none'}, expected ${options.ifMatch})`);
    }
    if (head.bytes <= this.copyMaxBytes) {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: checkKey(key),
          CopySource: `${this.bucket}/${checkKey(source).split('/').map(encodeURIComponent).join('/')}`,
          CopySourceIfMatch: options.ifMatch,
          // REPLACE sets the destination's own Content-Type (the cache's objects have none worth keeping).
          MetadataDirective: 'REPLACE',
          ContentType: options.contentType,
        }),
      );
      return;
    }
    const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: checkKey(source), IfMatch: options.ifMatch }));
    await this.upload(key, res.Body as Readable, { contentType: options.contentType });
  }

  /** A multipart upload of a stream, part by part; aborted on failure, so no object appears unless whole. */
  private async upload(key: string, body: Readable, options: { contentType?: string; metadata?: Record<string, string> }): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: checkKey(key), Body: body, ContentType: options.contentType, Metadata: options.metadata },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    await upload.done();
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable | undefined> {
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: checkKey(key), Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      return res.Body as Readable;
    } catch (err) {
      if (isS3NotFound(err)) return undefined;
      throw err;
    }
  }

  async download(key: string, file: string, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    const body = await this.read(key);
    if (!body) return false;
    await writeWhole(body, file, options.signal);
    return true;
  }

  presignGet(key: string, seconds: number, options: { filename?: string } = {}): Promise<string> {
    const disposition = options.filename ? `attachment; filename="${options.filename.replace(/["\\]/g, '_')}"` : undefined;
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: checkKey(key), ResponseContentDisposition: disposition }), {
      expiresIn: seconds,
    });
  }

  async remove(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: checkKey(key) }));
  }

  async *list(prefix: string): AsyncIterable<{ key: string; bytes: number }> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key) yield { key: o.Key, bytes: o.Size ?? 0 };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

/**
 * Passes the bytes through and fails before the stream ends when their count is not what stat() said: the last
 * part is then never sent, Upload aborts the multipart upload, and a file that changed under the upload (a render
 * still writing, a truncated copy) never becomes an object.
 */
function exactly(bytes: number, file: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      done(seen === bytes ? null : new Error(`${file} changed while it was uploaded (${seen} bytes read, ${bytes} expected)`));
    },
  });
}

/**
 * Whether an S3 call failed because the object (or multipart upload) is not there: by the error's name or code, or a
 * 404. Duck-typed, so errors of another copy of the SDK (a library's own dependency) count too.
 */
export function isS3NotFound(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: number } };
  return ['NotFound', 'NoSuchKey', 'NoSuchUpload'].includes(String(e.name ?? e.Code)) || e.$metadata?.httpStatusCode === 404;
}
