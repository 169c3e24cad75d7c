import { Inject, Injectable, Logger } from '@nestjs/common';
import type { VidflowConfig } from '@vidflow/config';
import { MEDIA_ID, MEDIA_KINDS, mediaIdForSha256, type MediaItem } from '@vidflow/contracts';
import busboy from 'busboy';
import type { Request } from 'express';
import { basename } from 'node:path';
import { z } from 'zod';
import { NotFoundError, PayloadTooLargeError, UnprocessableError, ValidationFailedError } from '../common/api-errors';
import { decodeCursor, encodeCursor } from '../common/page-cursor';
import { validate } from '../common/zod-validation';
import { TemporalGateway } from '../temporal/temporal-gateway';
import { CONFIG } from '../tokens';
import { UploadsService } from '../uploads/uploads.service';
import { MediaLibraryStore, type ReceivedFile } from './media-library.store';

export const MediaListQuerySchema = z.strictObject({
  kind: z.enum(MEDIA_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(1024).optional(),
});

const FromUploadSchema = z.strictObject({ upload: z.string().regex(/^upl-[0-9a-f]{32}$/, 'must be the id of a finished upload (/api/uploads)') });

export type MediaView = MediaItem & { links: { self: string; file: string } };

/** A stored item: the contract's fields and the content type its file is served with (from ffprobe's format). */
type StoredItem = MediaItem & { contentType?: string };

/** ffprobe's format names (first match wins) and the content type of each kind in them. */
const CONTENT_TYPES: Array<[RegExp, Partial<Record<MediaItem['kind'], string>>]> = [
  [/png_pipe|apng/, { image: 'image/png' }],
  [/jpeg_pipe|mjpeg/, { image: 'image/jpeg' }],
  [/webp_pipe/, { image: 'image/webp' }],
  [/(^|,)gif(,|$)/, { image: 'image/gif' }],
  [/bmp_pipe/, { image: 'image/bmp' }],
  [/(^|,)mp4(,|$)/, { video: 'video/mp4', audio: 'audio/mp4' }],
  [/webm/, { video: 'video/webm', audio: 'audio/webm' }],
  [/(^|,)ogg(,|$)/, { video: 'video/ogg', audio: 'audio/ogg' }],
  [/(^|,)mp3(,|$)/, { audio: 'audio/mpeg' }],
  [/(^|,)wav(,|$)/, { audio: 'audio/wav' }],
  [/(^|,)flac(,|$)/, { audio: 'audio/flac' }],
];

/** Every content type a library file may be served with (the OpenAPI document lists them). */
export const MEDIA_FILE_CONTENT_TYPES = [...new Set(CONTENT_TYPES.flatMap(([, types]) => Object.values(types))), 'application/octet-stream'];

export function contentTypeOf(kind: MediaItem['kind'], format: string): string {
  for (const [pattern, types] of CONTENT_TYPES) if (pattern.test(format) && types[kind]) return types[kind];
  return 'application/octet-stream';
}

/**
 * The media library: files received (multipart or from a finished tus upload), sniffed by a worker
 * (probeMediaWorkflow: the API runs no media tools), stored content-addressed, referenced as `media:<id>`.
 */
@Injectable()
export class MediaService {
  readonly store: MediaLibraryStore;
  private readonly logger = new Logger(MediaService.name);

  constructor(
    @Inject(CONFIG) private readonly config: VidflowConfig,
    private readonly temporal: TemporalGateway,
    private readonly uploads: UploadsService,
  ) {
    this.store = new MediaLibraryStore(config.dataDir);
  }

  async create(req: Request): Promise<MediaView> {
    const { received, name } = req.is('multipart/form-data') ? await this.receiveMultipart(req) : await this.receiveUpload(req.body);
    try {
      const sniffed = await this.temporal.probeMedia({ path: this.store.relative(received.path), name });
      const { format, ...shape } = sniffed;
      const item = await this.store.commit(received, {
        contentType: contentTypeOf(sniffed.kind, format),
        id: mediaIdForSha256(received.sha256),
        name,
        ...shape,
        bytes: received.bytes,
        sha256: received.sha256,
        createdAt: new Date().toISOString(),
      });
      this.logger.log({ msg: 'media stored', mediaId: item.id, kind: item.kind, bytes: item.bytes });
      return view(item);
    } catch (err) {
      await this.store.discard(received);
      throw err;
    }
  }

  /** The single `file` part of a multipart body, streamed to disk; 413 past MEDIA_MAX_BYTES, 400 without it. */
  private receiveMultipart(req: Request): Promise<{ received: ReceivedFile; name: string }> {
    const max = this.config.library.maxBytes;
    return new Promise((resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: max, fields: 10, fieldSize: 1024 } });
      } catch (err) {
        return reject(badRequest('file', `not a multipart body: ${(err as Error).message}`));
      }
      let receiving: Promise<{ received: ReceivedFile; name: string }> | undefined;
      let failed: Error | undefined;
      let tooLarge = false;
      let current: NodeJS.ReadableStream & { destroy(err?: Error): void } | undefined;
      parser.on('file', (field, stream, info) => {
        if (field !== 'file' || receiving) {
          stream.resume();
          failed ??= badRequest('file', `unexpected file field "${field}": send the file as the field "file"`);
          return;
        }
        const name = cleanName(info.filename);
        // Past fileSize busboy stops passing data on (the file ends truncated) and reads the rest of the body
        // away; the truncated file is dropped once the body is done.
        stream.on('limit', () => (tooLarge = true));
        current = stream;
        receiving = this.store.receive(stream).then((received) => ({ received, name }));
        receiving.catch(() => undefined);
      });
      parser.on('error', (err: Error) => {
        failed ??= badRequest('file', `malformed multipart body: ${err.message}`);
      });
      parser.on('close', () => {
        void (async () => {
          if (!receiving) return reject(failed ?? badRequest('file', 'required: a multipart field "file" with the media'));
          try {
            const got = await receiving;
            if (tooLarge) failed = new PayloadTooLargeError(`file: larger than MEDIA_MAX_BYTES (${max} bytes); send bigger files as a resumable upload (/api/uploads) and then { "upload": "<id>" }`, [{ field: 'file', message: `larger than ${max} bytes` }]);
            if (failed) {
              await this.store.discard(got.received);
              return reject(failed);
            }
            resolve(got);
          } catch (err) {
            reject(err);
          }
        })();
      });
      // A client that goes away mid-body: the partial file goes (receive removes it when its stream fails).
      req.on('close', () => {
        if (req.complete) return;
        failed ??= badRequest('file', 'the request ended before the whole file arrived');
        current?.destroy(failed);
        if (!receiving) reject(failed);
      });
      req.pipe(parser);
    });
  }

  /** `{ upload: "<id>" }`: a finished tus upload, copied in (the upload itself stays until it expires or is deleted). */
  private async receiveUpload(body: unknown): Promise<{ received: ReceivedFile; name: string }> {
    if (body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0)) {
      throw badRequest('file', 'send multipart/form-data with a field "file", or JSON { "upload": "<tus upload id>" }');
    }
    const { upload } = validate(FromUploadSchema, body);
    const stored = await this.uploads.finished(upload, 'upload');
    const name = cleanName(stored.metadata.filename ?? upload);
    // Streamed from its file, or from its object in the bucket (ARTIFACT_STORE=s3).
    return { received: await this.store.receive(await this.uploads.read(stored)), name };
  }

  async get(id: string): Promise<MediaView> {
    return view(await this.item(id));
  }

  /** An item by id: 400 for what is no media id, 404 for an unknown one. */
  private async item(id: string): Promise<MediaItem> {
    if (!MEDIA_ID.test(id)) throw new ValidationFailedError(`id: "${id}" is not a media id (med-<32 hex digits>)`, [{ field: 'id', message: 'not a media id' }]);
    const item = await this.store.get(id);
    if (!item) throw new NotFoundError(`no media with id ${id}`);
    return item;
  }

  async list(query: unknown): Promise<{ items: MediaView[]; nextCursor: string | null }> {
    const q = validate(MediaListQuerySchema, query, 'query');
    let items = await this.store.list();
    if (q.kind) items = items.filter((i) => i.kind === q.kind);
    if (q.cursor) {
      const after = parseCursor(q.cursor);
      items = items.filter((i) => i.createdAt < after.createdAt || (i.createdAt === after.createdAt && i.id < after.id));
    }
    const page = items.slice(0, q.limit);
    const last = page[page.length - 1];
    const nextCursor = items.length > q.limit && last ? encodeCursor(Buffer.from(JSON.stringify([last.createdAt, last.id]))) : null;
    return { items: page.map(view), nextCursor };
  }

  /** The file of an item, for streaming. */
  async file(id: string): Promise<{ path: string; contentType: string }> {
    const item: StoredItem = await this.item(id);
    return { path: this.store.filePath(id), contentType: item.contentType ?? 'application/octet-stream' };
  }

  async remove(id: string): Promise<{ id: string; deleted: true }> {
    await this.item(id);
    if (!(await this.store.remove(id))) throw new NotFoundError(`no media with id ${id}`);
    return { id, deleted: true };
  }

  /**
   * The `media:<id>` references of a request that name no item, as 422 issues naming their fields: checked
   * before a run starts, so that a typo is the client's answer, not a failed run later.
   */
  async unknownRefs(refs: Array<[field: string, id: string]>): Promise<Array<{ field: string; message: string }>> {
    const issues = [];
    for (const [field, id] of refs) {
      if (!(await this.store.get(id))) issues.push({ field, message: `no media-library item ${id} (POST /api/media first)` });
    }
    return issues;
  }

  /** The file of `media:<id>` for a transcription (relative to DATA_DIR); 422 naming `field` when there is none. */
  async pathFor(id: string, field: string): Promise<string> {
    const item = MEDIA_ID.test(id) ? await this.store.get(id) : undefined;
    if (!item) throw new UnprocessableError(`${field}: no media-library item ${id}`, [{ field, message: `no media-library item ${id}` }]);
    return this.store.relative(this.store.filePath(id));
  }
}

function view(stored: StoredItem): MediaView {
  const { contentType: _type, ...item } = stored;
  const self = `/api/media/${item.id}`;
  return { ...item, links: { self, file: `${self}/file` } };
}

function parseCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(decodeCursor(cursor)).toString('utf8')) as [unknown, unknown];
    if (typeof createdAt === 'string' && typeof id === 'string') return { createdAt, id };
  } catch (err) {
    if (err instanceof ValidationFailedError) throw err;
  }
  throw new ValidationFailedError('cursor: not a cursor from a previous page', [{ field: 'cursor', message: 'not a cursor from a previous page' }]);
}

/** A client's file name, kept only as a label: no directories, no control characters, bounded. */
function cleanName(name: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  const clean = basename(String(name ?? '').replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255);
  return clean || 'unnamed';
}

function badRequest(field: string, message: string): ValidationFailedError {
  return new ValidationFailedError(`${field}: ${message}`, [{ field, message }]);
}
