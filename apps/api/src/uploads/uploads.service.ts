import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Server } from '@tus/server';
import type { VidflowConfig } from '@vidflow/config';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Request, Response } from 'express';
import { UnprocessableError } from '../common/api-errors';
import { EXPOSED_HEADERS } from '../http/cors.middleware';
import { CONFIG } from '../tokens';
import { CHECKSUM_ALGORITHMS, expectedChecksum, parseChecksumHeader } from './upload-checksum';
import { openUploadStore } from './open-upload-store';
import { UPLOAD_ID, type StoredUpload, type UploadBackend } from './upload-store';

export const UPLOADS_PATH = '/api/uploads';
/** How often unfinished uploads past their expiry are looked for (at most; sooner for short expiries). */
const CLEANUP_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Resumable uploads (tus 1.0.0: creation, creation-with-upload, termination, expiration, checksum) on
 * @tus/server with the file store under DATA_DIR/uploads, or (ARTIFACT_STORE=s3) tus's S3 store in the artifact
 * bucket. Authentication, rate limits and CORS are the API's own middleware (run before this), so the tus server
 * adds no CORS origin of its own.
 */
@Injectable()
export class UploadsService implements OnModuleInit, OnModuleDestroy {
  readonly store: UploadBackend;
  private readonly tus: Server;
  private timer?: NodeJS.Timeout;

  constructor(@Inject(CONFIG) private readonly config: VidflowConfig) {
    this.store = openUploadStore(config);
    this.tus = new Server({
      path: UPLOADS_PATH,
      datastore: this.store,
      maxSize: config.uploads.maxBytes,
      // API.md: `Location: /api/uploads/<id>`, whatever host the client used.
      relativeLocation: true,
      namingFunction: () => `upl-${randomBytes(16).toString('hex')}`,
      getFileIdFromRequest: (_req, last) => (last && UPLOAD_ID.test(last) ? last : undefined),
      // The API's CORS middleware decided already (CORS_ORIGINS); tus would otherwise allow every origin.
      allowedOrigins: () => false,
      exposedHeaders: EXPOSED_HEADERS.split(', '),
      allowedHeaders: ['Upload-Checksum', 'Idempotency-Key', 'X-Request-Id'],
    });
  }

  onModuleInit(): void {
    const every = Math.min(CLEANUP_INTERVAL_MS, Math.max(1000, (this.config.uploads.expirySeconds * 1000) / 2));
    this.timer = setInterval(() => void this.removeExpired().catch(() => undefined), every);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.store.close?.();
  }

  /** Answers one tus request (the controller hands every /api/uploads request here). */
  async handle(req: Request, res: Response): Promise<void> {
    const checksum = parseChecksumHeader(req.header('upload-checksum'));
    if (req.method === 'OPTIONS') res.setHeader('Tus-Checksum-Algorithm', CHECKSUM_ALGORITHMS.join(','));
    if (checksum.kind === 'unsupported' || checksum.kind === 'malformed') {
      // tus checksum extension: an algorithm the server does not support is a 400.
      res.setHeader('Tus-Resumable', '1.0.0');
      res.setHeader('Tus-Checksum-Algorithm', CHECKSUM_ALGORITHMS.join(','));
      const why = checksum.kind === 'unsupported' ? `algorithm ${checksum.algorithm} is not supported` : 'must be "<algorithm> <base64 digest>"';
      res.status(400).type('text/plain').send(`Upload-Checksum: ${why} (supported: ${CHECKSUM_ALGORITHMS.join(', ')})\n`);
      return;
    }
    await expectedChecksum.run(checksum.kind === 'ok' ? checksum.checksum : undefined, () => this.tus.handle(req, res));
  }

  /** Removes unfinished uploads older than UPLOAD_EXPIRY_SECONDS; how many were removed. */
  removeExpired(): Promise<number> {
    return this.tus.cleanUpExpiredUploads();
  }

  /**
   * A finished upload, for the routes that take `{ upload: "<id>" }`; 422 naming `field` when there is no such
   * upload or it is not complete yet.
   */
  async finished(id: string, field: string): Promise<StoredUpload> {
    const upload = await this.store.find(id);
    if (!upload) throw new UnprocessableError(`${field}: no upload with id ${id}`, [{ field, message: `no upload with id ${id}` }]);
    if (upload.offset < upload.size) {
      const message = `upload ${id} is not complete (${upload.offset} of ${upload.size} bytes): finish it first`;
      throw new UnprocessableError(`${field}: ${message}`, [{ field, message }]);
    }
    return upload;
  }

  /** The bytes of a finished upload as a stream: its file, or its object in the bucket. */
  read(upload: StoredUpload): Promise<Readable> {
    return this.store.open(upload);
  }
}
