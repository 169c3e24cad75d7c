import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';

/**
 * Where finished files live for every host: the local DATA_DIR (one machine, or a shared mount) or an S3-compatible
 * bucket (several machines, nothing shared but the network). Keys are the store-relative paths the activities already
 * use (`videos/<id>.mp4`), so the workflow's results read the same whichever backend holds them.
 */
export interface ObjectStore {
  readonly kind: 'local' | 's3';
  /**
   * Stores a local file under `key`. Readers see no object until the whole file is there (never half of one).
   * `metadata` goes with the object in a bucket (the cache keeps each file's sha256 there); local files keep none.
   */
  putFile(key: string, file: string, options?: { contentType?: string; metadata?: Record<string, string> }): Promise<{ bytes: number }>;
  /**
   * Copies the object at `source` to `key` inside the store (a bucket copies server-side: no bytes through this
   * host). With `ifMatch`, only when the source's ETag is that one; throws when the source is missing or differs.
   */
  copy(source: string, key: string, options?: { contentType?: string; ifMatch?: string }): Promise<void>;
  /** Size and last change of an object; undefined when there is none. */
  stat(key: string): Promise<ObjectStat | undefined>;
  /** A stream of the object, or of bytes [start, end] (inclusive) of it; undefined when there is none. */
  read(key: string, range?: { start: number; end: number }): Promise<Readable | undefined>;
  /**
   * Copies the object into a local file (a worker's scratch), whole or not at all; false when there is none. An
   * aborted `signal` stops the copy and leaves no file.
   */
  download(key: string, file: string, options?: { signal?: AbortSignal }): Promise<boolean>;
  /** A short-lived URL that GETs the object without credentials; undefined for a backend without them (local). */
  presignGet(key: string, seconds: number, options?: { filename?: string }): Promise<string | undefined>;
  remove(key: string): Promise<void>;
  /** Every key under `prefix`, with its size (for sweeps and tests). */
  list(prefix: string): AsyncIterable<{ key: string; bytes: number }>;
}

export interface ObjectStat {
  bytes: number;
  modifiedMs: number;
  /** The bucket's entity tag (quoted, as S3 sends it): changes whenever the bytes do. Undefined for local files. */
  etag?: string;
  /** The user metadata stored with an object (`{}` when none); undefined for local files, which keep none. */
  metadata?: Record<string, string>;
}

/** Object keys are relative paths without `..`: the same rule for both backends, so a key valid on one is on the other. */
export function checkKey(key: string): string {
  if (!key || key.startsWith('/') || key.split('/').some((part) => part === '..' || part === '.' || part === '') || key.includes('\\')) {
    throw new Error(`invalid object key: ${JSON.stringify(key)}`);
  }
  return key;
}

/** The local backend: files under a root folder, put in place with rename(2) (atomic within one file system). */
export class LocalObjectStore implements ObjectStore {
  readonly kind = 'local' as const;
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private path(key: string): string {
    const abs = resolve(this.root, checkKey(key));
    if (!abs.startsWith(this.root + sep)) throw new Error(`invalid object key: ${JSON.stringify(key)}`);
    return abs;
  }

  async putFile(key: string, file: string): Promise<{ bytes: number }> {
    const dest = this.path(key);
    await mkdir(dirname(dest), { recursive: true });
    const tmp = `${dest}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await pipeline(createReadStream(file), createWriteStream(tmp));
      await rename(tmp, dest);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { bytes: (await stat(dest)).size };
  }

  /** Local files have no ETag, so `ifMatch` is refused rather than ignored. */
  async copy(source: string, key: string, options: { ifMatch?: string } = {}): Promise<void> {
    if (options.ifMatch !== undefined) throw new Error('a local object store has no ETags to match');
    const src = await this.read(source);
    if (!src) throw new Error(`no object ${source} to copy`);
    await writeWhole(src, this.path(key));
  }

  async stat(key: string): Promise<ObjectStat | undefined> {
    const st = await stat(this.path(key)).catch(() => undefined);
    return st?.isFile() ? { bytes: st.size, modifiedMs: st.mtimeMs } : undefined;
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable | undefined> {
    if (!(await this.stat(key))) return undefined;
    return createReadStream(this.path(key), range ? { start: range.start, end: range.end } : {});
  }

  async download(key: string, file: string, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    const src = await this.read(key);
    if (!src) return false;
    await writeWhole(src, file, options.signal);
    return true;
  }

  async presignGet(): Promise<undefined> {
    return undefined;
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async *list(prefix: string): AsyncIterable<{ key: string; bytes: number }> {
    const { readdir } = await import('node:fs/promises');
    const walk = async function* (dir: string, rel: string): AsyncGenerator<{ key: string; bytes: number }> {
      for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const key = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) yield* walk(join(dir, entry.name), key);
        else if (entry.isFile() && !entry.name.endsWith('.tmp')) yield { key, bytes: (await stat(join(dir, entry.name))).size };
      }
    };
    for await (const item of walk(this.root, '')) if (item.key.startsWith(prefix)) yield item;
  }
}

/** Streams into `file` through a temporary name, renamed only once complete. */
export async function writeWhole(src: Readable, file: string, signal?: AbortSignal): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.part`;
  try {
    await pipeline(src, createWriteStream(tmp), signal ? { signal } : {});
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
