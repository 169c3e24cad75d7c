import { MEDIA_ID, MEDIA_LIBRARY_LAYOUT, type MediaItem } from '@vidflow/contracts';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A file received into the library's incoming folder, not yet an item. */
export interface ReceivedFile {
  /** Absolute path under `incoming/`. */
  path: string;
  sha256: string;
  bytes: number;
}

/** A stream longer than the limit: the partial file is already removed when this is thrown. */
export class TooLargeError extends Error {}

/**
 * The media library's files under DATA_DIR/library (MEDIA_LIBRARY_LAYOUT). Nothing is ever half-written where
 * a reader looks: bytes are received into `incoming/` (hashed on the way, constant memory) and renamed into
 * `files/<id>` once complete and sniffed; the item's metadata is written to a temporary name and renamed into
 * `items/<id>.json` last. Deleting removes the metadata first, so an item is gone before its file is.
 */
export class MediaLibraryStore {
  readonly files: string;
  readonly items: string;
  readonly incoming: string;

  constructor(private readonly dataDir: string) {
    this.files = join(dataDir, MEDIA_LIBRARY_LAYOUT.files);
    this.items = join(dataDir, MEDIA_LIBRARY_LAYOUT.items);
    this.incoming = join(dataDir, MEDIA_LIBRARY_LAYOUT.incoming);
  }

  /** Streams `source` into a new incoming file, hashing it; TooLargeError past `maxBytes` (nothing kept). */
  async receive(source: Readable, maxBytes: number = Number.MAX_SAFE_INTEGER): Promise<ReceivedFile> {
    await mkdir(this.incoming, { recursive: true });
    const path = join(this.incoming, `in-${randomBytes(12).toString('hex')}`);
    const hash = createHash('sha256');
    let bytes = 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (bytes > maxBytes) return done(new TooLargeError(`larger than ${maxBytes} bytes`));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, count, createWriteStream(path, { flags: 'wx' }));
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
    return { path, sha256: hash.digest('hex'), bytes };
  }

  /** Drops a received file that did not become an item. */
  async discard(received: ReceivedFile): Promise<void> {
    await rm(received.path, { force: true });
  }

  /**
   * Makes a received, sniffed file an item. The same content is one item: when it exists already, the
   * received copy is dropped and the existing item answered.
   */
  async commit<T extends MediaItem>(received: ReceivedFile, item: T): Promise<MediaItem> {
    const existing = await this.get(item.id);
    if (existing && (await this.hasFile(item.id))) {
      await this.discard(received);
      return existing;
    }
    await mkdir(this.files, { recursive: true });
    await mkdir(this.items, { recursive: true });
    await rename(received.path, this.filePath(item.id));
    const tmp = join(this.incoming, `${item.id}.json.${randomBytes(6).toString('hex')}`);
    await writeFile(tmp, JSON.stringify(item), { flag: 'wx' });
    await rename(tmp, this.itemPath(item.id));
    return item;
  }

  async get(id: string): Promise<MediaItem | undefined> {
    if (!MEDIA_ID.test(id)) return undefined;
    try {
      return JSON.parse(await readFile(this.itemPath(id), 'utf8')) as MediaItem;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Every item, newest first (then by id, so that pages are stable). */
  async list(): Promise<MediaItem[]> {
    const names = await readdir(this.items).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
    const ids = names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length));
    const items = (await Promise.all(ids.map((id) => this.get(id)))).filter((i): i is MediaItem => i !== undefined);
    return items.sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1));
  }

  /** Removes an item (its metadata first, then its file); false when there was none. */
  async remove(id: string): Promise<boolean> {
    if (!MEDIA_ID.test(id)) return false;
    try {
      await unlink(this.itemPath(id));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    await rm(this.filePath(id), { force: true });
    return true;
  }

  filePath(id: string): string {
    return join(this.files, id);
  }

  private itemPath(id: string): string {
    return join(this.items, `${id}.json`);
  }

  private async hasFile(id: string): Promise<boolean> {
    return stat(this.filePath(id)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  /** A path relative to DATA_DIR, as workflow inputs carry them. */
  relative(path: string): string {
    return path.slice(this.dataDir.length + 1);
  }
}
