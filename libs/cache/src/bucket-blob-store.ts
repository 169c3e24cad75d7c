import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { hashOfFile, matchesRecord, namesIn, removeIfEmpty, removeOlderThan, type BlobStore, type CachedObject, type VerifiedFiles } from './blob-store';
import { CacheStoreError, InvalidCacheInputError } from './cache-errors';
import { errnoCode as code } from './errno-code';
import type { StoredFile } from './metadata-store';

/**
 * What the bucket-backed blob store needs of an object store: a port, so that this library does not depend on the
 * activities' S3 adapter (which depends on this library) nor carry an S3 client of its own. `S3ObjectStore`
 * (libs/activities) satisfies it as it is; so can a test double.
 */
export interface CacheObjectStore {
  /** Stores a local file under `key`, streamed; readers see no object until the whole file is there. */
  putFile(key: string, file: string, options: { metadata: Record<string, string> }): Promise<unknown>;
  /**
   * Size, entity tag and the user metadata stored with the object (`{}` when none); undefined when there is
   * none. The metadata must be what putFile stored: the cheap check of an entry compares its sha256.
   */
  stat(key: string): Promise<CacheObjectStat | undefined>;
  /** Copies the object into a local file, whole or not at all; false when there is none. */
  download(key: string, file: string): Promise<boolean>;
  /** Deletes the object; deleting a missing one is fine. */
  remove(key: string): Promise<void>;
  /** Every key under `prefix`. */
  list(prefix: string): AsyncIterable<{ key: string }>;
}

export interface CacheObjectStat {
  bytes: number;
  /** When the object was written (ms since the epoch): how old a crashed put's marker is. */
  modifiedMs?: number;
  etag?: string;
  metadata?: Record<string, string>;
}

export interface BucketBlobStoreOptions {
  /** The cache directory of this host: local read-through copies and download temporaries live under it. */
  dir: string;
  objects: CacheObjectStore;
  /** Where entries' objects go in the bucket (default `cache/`, beside the finished `videos/`). */
  prefix?: string;
  /** A local copy not used for this long is deleted by sweepTemp (default 1 day); the object stays. Wall clock. */
  localCopyMaxIdleMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Entry files in an S3-compatible bucket, for several hosts that share nothing but the network (their metadata in
 * one PostgreSQL). Layout:
 *
 *   bucket: <prefix><key[0..2]>/<key>/<id>/<name>        one object per file of one put (id = random per put)
 *           <prefix>pending/<key>/<id>                   an empty marker while that put has not committed
 *   local:  <dir>/remote/<key[0..2]>/<key>/<id>/<name>    this host's verified read-through copy
 *           <dir>/tmp/dl-<uuid>/                          a download in progress
 *
 * A put hashes each file, uploads it (a multipart upload, streamed from disk: the object appears whole or not at
 * all) with its sha256 as object metadata, and records the object's ETag; write() returns only when every object is
 * up, and the cache commits the metadata record after that, as with local files.
 *
 * A get downloads each file into a temporary directory, checks size and sha256 against the record, and only then
 * renames it into remote/ (atomic on one filesystem): nothing half-written or unverified is ever visible there. A
 * mismatch is a miss, and the cache drops the entry (deleting its objects): the same rule as local files. The next
 * get on this host finds the local copy and checks its size and sha256 again rather than trusting it (reading a
 * local file costs far less than a download, and it catches a copy damaged on this disk; such a copy is downloaded
 * again, since the object may still be good).
 *
 * `verify(..., { download: false })` checks the objects without fetching them: a HEAD of each, whose size, ETag and
 * sha256 metadata must be those recorded at put. Any rewrite of an object changes its ETag (the store computes it
 * from the bytes), so this catches replaced and truncated objects as a download would; what it cannot catch is a
 * store that corrupts bytes under an unchanged ETag (bit rot), which a download's sha256 check would. It is for
 * callers that only hand the files on by key (the API's repeat lookup: the worker copies the video server-side with
 * the ETag as a precondition, so it gets exactly the bytes checked here).
 *
 * Local copies are not counted in the cache's maxBytes (that counts the bucket): they are a disk cache of it,
 * bounded by age instead. sweepTemp deletes copies not used for localCopyMaxIdleMs, including copies of entries
 * that another host has since removed.
 */
export class BucketBlobStore implements BlobStore {
  readonly copiesDir: string;
  readonly tmpDir: string;
  readonly prefix: string;
  private readonly objects: CacheObjectStore;
  private readonly localCopyMaxIdleMs: number;

  constructor(options: BucketBlobStoreOptions) {
    this.copiesDir = join(options.dir, 'remote');
    this.tmpDir = join(options.dir, 'tmp');
    this.objects = options.objects;
    this.prefix = options.prefix ?? 'cache/';
    if (this.prefix !== '' && !this.prefix.endsWith('/')) throw new InvalidCacheInputError(`the cache's object prefix must end in "/", got ${JSON.stringify(this.prefix)}`);
    this.localCopyMaxIdleMs = options.localCopyMaxIdleMs ?? DAY_MS;
  }

  /** The object key of one file of one version of an entry. */
  objectKey(key: string, id: string, name: string): string {
    return `${this.versionPrefix(key, id)}${name}`;
  }

  /** This host's read-through copy of one version of an entry. */
  copyDir(key: string, id: string): string {
    return join(this.copiesDir, key.slice(0, 2), key, id);
  }

  async write(options: { key: string; id: string; files: Record<string, string> }): Promise<Record<string, StoredFile>> {
    const stored: Record<string, StoredFile> = {};
    if (Object.keys(options.files).length === 0) return stored;
    const uploaded: string[] = [];
    await this.putMarker(options.key, options.id);
    try {
      // One file at a time, like the local store: each upload already keeps two parts in flight.
      for (const [name, path] of Object.entries(options.files)) {
        const source = resolve(path);
        const objectKey = this.objectKey(options.key, options.id, name);
        const before = await sourceStat(source);
        const hash = await hashOfFile(source);
        uploaded.push(objectKey);
        await this.objects.putFile(objectKey, source, { metadata: { sha256: hash.sha256 } });
        // The sha256 was read before the upload: a file rewritten meanwhile would leave an object whose bytes the
        // record does not describe (a HEAD check could not tell). Producers never write into a put file, and this
        // refuses one that changed anyway.
        const after = await sourceStat(source);
        if (after.size !== hash.size || after.mtimeMs !== before.mtimeMs || after.ino !== before.ino) {
          throw new InvalidCacheInputError(`${source} changed while it was stored in the cache`);
        }
        const head = await this.objects.stat(objectKey);
        if (!head || head.bytes !== hash.size || head.metadata?.sha256 !== hash.sha256) {
          throw new CacheStoreError(`the bucket does not hold ${objectKey} as uploaded (${head ? `${head.bytes} bytes, sha256 ${head.metadata?.sha256 ?? 'not kept'}` : 'no object'})`);
        }
        stored[name] = { ...hash, ...(head.etag !== undefined ? { etag: head.etag } : {}) };
      }
      return stored;
    } catch (error) {
      // Nothing names these objects yet. A crash instead of this cleanup leaves them and the marker: sweepTemp's.
      await Promise.all([...uploaded, this.markerKey(options.key, options.id)].map((objectKey) => this.objects.remove(objectKey).catch(() => undefined)));
      throw error;
    }
  }

  async committed(key: string, id: string): Promise<void> {
    await this.objects.remove(this.markerKey(key, id));
  }

  async verify(key: string, id: string, files: Record<string, StoredFile>, options: { download?: boolean } = {}): Promise<VerifiedFiles | undefined> {
    if (options.download === false) return this.checkObjects(key, id, files);
    const dir = this.copyDir(key, id);
    const paths: Record<string, string> = {};
    for (const [name, expected] of Object.entries(files)) {
      const local = join(dir, name);
      if (!(await matchesRecord(local, expected))) {
        await rm(local, { force: true });
        if (!(await this.fetch(this.objectKey(key, id, name), local, expected))) return undefined;
      }
      paths[name] = local;
    }
    if (Object.keys(files).length > 0) {
      // Marks the copy as used, for sweepTemp's idle rule. Gone meanwhile (a concurrent remove): the caller sees ENOENT.
      const now = new Date();
      await utimes(dir, now, now).catch((error: unknown) => {
        if (code(error) !== 'ENOENT') throw error;
      });
    }
    return { files: paths };
  }

  async remove(key: string, id: string): Promise<void> {
    const removals: Promise<void>[] = [];
    for await (const object of this.objects.list(this.versionPrefix(key, id))) removals.push(this.objects.remove(object.key));
    await Promise.all(removals);
    // A put that failed after its upload, or a version dropped before its put was marked committed.
    await this.objects.remove(this.markerKey(key, id));
    const dir = this.copyDir(key, id);
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    await removeIfEmpty(dirname(dir));
  }

  /**
   * Download temporaries older than `olderThanMs`, local copies idle for localCopyMaxIdleMs, and the objects of
   * crashed puts: a put's marker older than `olderThanMs` whose version no record names (`isCurrent`) goes with
   * that version's objects; one whose record committed (a crash just after) goes alone. Without `isCurrent` the
   * bucket is left alone.
   */
  async sweepTemp(olderThanMs: number, isCurrent?: (key: string, id: string) => Promise<boolean>): Promise<number> {
    let removed = await removeOlderThan(this.tmpDir, olderThanMs);
    if (isCurrent) removed += await this.sweepCrashedPuts(olderThanMs, isCurrent);
    for (const shard of await namesIn(this.copiesDir)) {
      for (const key of await namesIn(join(this.copiesDir, shard))) {
        const keyDir = join(this.copiesDir, shard, key);
        removed += await removeOlderThan(keyDir, this.localCopyMaxIdleMs);
        await removeIfEmpty(keyDir);
      }
    }
    return removed;
  }

  /**
   * `<prefix>pending/<key>/<id>`: written (empty) before a put's first upload and deleted once its record has
   * committed, so that the objects of a put cut short by a crash can be found without listing the whole cache.
   */
  private markerKey(key: string, id: string): string {
    return `${this.prefix}pending/${key}/${id}`;
  }

  private async putMarker(key: string, id: string): Promise<void> {
    await mkdir(this.tmpDir, { recursive: true });
    const empty = join(this.tmpDir, `marker-${id}`);
    await writeFile(empty, '');
    try {
      await this.objects.putFile(this.markerKey(key, id), empty, { metadata: {} });
    } finally {
      await rm(empty, { force: true });
    }
  }

  private async sweepCrashedPuts(olderThanMs: number, isCurrent: (key: string, id: string) => Promise<boolean>): Promise<number> {
    const markers = `${this.prefix}pending/`;
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    for await (const marker of this.objects.list(markers)) {
      const [key, id, ...rest] = marker.key.slice(markers.length).split('/');
      if (!key || !id || rest.length > 0) continue; // not a marker this store wrote
      const modifiedMs = (await this.objects.stat(marker.key))?.modifiedMs;
      if (modifiedMs === undefined || modifiedMs >= cutoff) continue; // gone meanwhile, or a put still in progress
      if (await isCurrent(key, id)) await this.objects.remove(marker.key);
      else await this.remove(key, id);
      removed++;
    }
    return removed;
  }

  private versionPrefix(key: string, id: string): string {
    return `${this.prefix}${key.slice(0, 2)}/${key}/${id}/`;
  }

  /** Downloads an object to `local` through a temporary directory; false (nothing at `local`) unless it matches. */
  private async fetch(objectKey: string, local: string, expected: StoredFile): Promise<boolean> {
    const staging = join(this.tmpDir, `dl-${randomUUID()}`);
    await mkdir(staging, { recursive: true });
    try {
      const downloaded = join(staging, basename(local));
      if (!(await this.objects.download(objectKey, downloaded))) return false;
      if (!(await matchesRecord(downloaded, expected))) return false;
      // A concurrent removal of the key's last version may delete the parent between mkdir and rename.
      for (let attempt = 0; ; attempt++) {
        await mkdir(dirname(local), { recursive: true });
        try {
          await rename(downloaded, local);
          return true;
        } catch (error) {
          if (code(error) !== 'ENOENT' || attempt >= 5) throw error;
        }
      }
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /** HEADs each object: size, ETag and sha256 metadata as recorded. */
  private async checkObjects(key: string, id: string, files: Record<string, StoredFile>): Promise<VerifiedFiles | undefined> {
    const objects: Record<string, CachedObject> = {};
    for (const [name, expected] of Object.entries(files)) {
      const objectKey = this.objectKey(key, id, name);
      const head = await this.objects.stat(objectKey);
      if (!head || head.bytes !== expected.size || head.metadata?.sha256 !== expected.sha256) return undefined;
      if (expected.etag !== undefined && head.etag !== expected.etag) return undefined;
      objects[name] = { key: objectKey, size: expected.size, sha256: expected.sha256, ...(expected.etag !== undefined ? { etag: expected.etag } : {}) };
    }
    return { files: {}, objects };
  }
}

/**
 * A cache object as a string that can travel where a file path does (a workflow's input): `bucket-object:<key>`,
 * with `#<etag>` when known. ArtifactStore.placeCachedFile copies such a source inside the bucket.
 */
export function objectRef(object: Pick<CachedObject, 'key' | 'etag'>): string {
  return `${OBJECT_REF}${object.key}${object.etag !== undefined ? `#${object.etag}` : ''}`;
}

/** The key and ETag of an objectRef() string; undefined for anything else (a local path). */
export function parseObjectRef(ref: string): { key: string; etag?: string } | undefined {
  if (!ref.startsWith(OBJECT_REF)) return undefined;
  const rest = ref.slice(OBJECT_REF.length);
  const hash = rest.indexOf('#');
  return hash < 0 ? { key: rest } : { key: rest.slice(0, hash), etag: rest.slice(hash + 1) };
}

const OBJECT_REF = 'bucket-object:';

async function sourceStat(source: string): Promise<{ size: number; mtimeMs: number; ino: number }> {
  try {
    const st = await stat(source);
    if (!st.isFile()) throw new InvalidCacheInputError(`cannot read ${source} to store it in the cache: not a file`);
    return st;
  } catch (error) {
    if (code(error) === 'ENOENT') throw new InvalidCacheInputError(`cannot read ${source} to store it in the cache: ENOENT`);
    throw error;
  }
}
