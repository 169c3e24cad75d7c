import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InvalidCacheInputError } from './cache-errors';
import { errnoCode as code } from './errno-code';
import type { StoredFile } from './metadata-store';

const CHUNK = 1 << 20;

/**
 * Where the files of cache entries live, behind the metadata record that names them by (key, id). Two
 * implementations: LocalBlobStore (a directory: one machine, or several sharing a mount) and BucketBlobStore
 * (an S3-compatible bucket with a local read-through copy: several machines sharing nothing but the network).
 * Both follow one integrity rule: a file counts only with the size and sha256 recorded at put; anything else is a
 * miss, and the ArtifactCache drops the entry.
 */
export interface BlobStore {
  /**
   * Stores the files of one put (`id` is random per put) and returns what was stored, before the metadata record
   * is committed: a record never names files that are not all there. The sources are left alone.
   */
  write(options: { key: string; id: string; files: Record<string, string> }): Promise<Record<string, StoredFile>>;
  /**
   * Absolute local paths of the entry's files if every one matches its record; undefined otherwise. With
   * `download: false` a bucket-backed store checks its objects without fetching them and answers with `objects`
   * (and `files` empty): for callers that only hand the files on (the API's repeat lookup).
   */
  verify(key: string, id: string, files: Record<string, StoredFile>, options?: { download?: boolean }): Promise<VerifiedFiles | undefined>;
  /** Called once the metadata record naming this version has committed (what a put's crash-recovery keys on). */
  committed(key: string, id: string): Promise<void>;
  /** Deletes one version's files; removing what is already gone is fine. */
  remove(key: string, id: string): Promise<void>;
  /**
   * Removes what crashed puts (and downloads) left behind, older than `olderThanMs` (wall clock); returns how many.
   * `isCurrent` says whether the metadata names a version, for a store that must ask (the bucket's).
   */
  sweepTemp(olderThanMs: number, isCurrent?: (key: string, id: string) => Promise<boolean>): Promise<number>;
}

export interface VerifiedFiles {
  /** Absolute local paths by file name (empty when the store was asked not to download). */
  files: Record<string, string>;
  /** With a bucket-backed store: the objects holding the files, checked against the record just now. */
  objects?: Record<string, CachedObject>;
}

/** One file of an entry as an object in the bucket. */
export interface CachedObject {
  /** The object's key in the bucket. */
  key: string;
  /** Its entity tag at put: a copy made with this ETag as a precondition gets exactly the checked bytes. */
  etag?: string;
  size: number;
  sha256: string;
}

/**
 * The artifact files of entries, on disk, shared by both metadata backends (and by several machines when the
 * directory is on shared storage). Layout:
 *
 *   <dir>/blobs/<key[0..2]>/<key>/<id>/<name>   files of one put of one entry (id = random per put)
 *   <dir>/tmp/<id>/                              a put in progress
 *
 * A put writes its files into its own tmp directory and renames the whole directory into place (one atomic
 * rename on the same filesystem, as cacache's content writer does with its tmp files), and only then commits
 * the metadata record that names it. So a crash mid-write leaves a tmp directory that nothing references
 * (swept by age), never a half-written file that a record points at; and because every put has its own
 * directory, two writers of the same key never write into the same files, and removing one version of an
 * entry can never delete the files of a concurrent put of the same key.
 *
 * A file is put as a hard link to its source when both are on one filesystem (else copied): a finished video is
 * then one file on disk however many entries (render, pipeline) and videos name it. Producers never write into a
 * file once it is put (they write elsewhere and rename), and if anything did, the sha256 check on read would find
 * it and drop the entry as a miss.
 *
 * No fsync: the sha256 of every file is in the record and checked on every read, so a file torn by a power loss
 * is found and dropped as a miss. Durability is not needed for a cache; integrity is.
 */
export class LocalBlobStore implements BlobStore {
  readonly blobsDir: string;
  readonly tmpDir: string;

  /** `linkFiles: false` always copies. */
  constructor(
    dir: string,
    private readonly linkFiles = true,
  ) {
    this.blobsDir = join(dir, 'blobs');
    this.tmpDir = join(dir, 'tmp');
  }

  entryDir(key: string, id: string): string {
    return join(this.blobsDir, key.slice(0, 2), key, id);
  }

  /** Links (or copies) the files in and hashes what was stored; the sources are left alone. */
  async write(options: { key: string; id: string; files: Record<string, string> }): Promise<Record<string, StoredFile>> {
    const names = Object.keys(options.files);
    if (names.length === 0) return {};
    const staging = join(this.tmpDir, options.id);
    await mkdir(staging, { recursive: true });
    try {
      const stored: Record<string, StoredFile> = {};
      // One file at a time: artifacts are large and sequential I/O is what a disk does best.
      for (const name of names) {
        const source = resolve(options.files[name]!);
        const target = join(staging, name);
        stored[name] = (this.linkFiles && (await linkHashing(source, target))) || (await copyHashing(source, target));
      }
      const target = this.entryDir(options.key, options.id);
      // A concurrent removal of the key's last version may delete the parent between mkdir and rename.
      for (let attempt = 0; ; attempt++) {
        await mkdir(join(target, '..'), { recursive: true });
        try {
          await rename(staging, target);
          break;
        } catch (error) {
          if (code(error) !== 'ENOENT' || attempt >= 5) throw error;
        }
      }
      return stored;
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * The absolute paths of an entry's files if every one is present with the size and sha256 recorded at put;
   * undefined otherwise. The files are local already, so `download` makes no difference.
   */
  async verify(key: string, id: string, files: Record<string, StoredFile>): Promise<VerifiedFiles | undefined> {
    const dir = this.entryDir(key, id);
    const paths: Record<string, string> = {};
    for (const [name, expected] of Object.entries(files)) {
      const path = join(dir, name);
      if (!(await matchesRecord(path, expected))) return undefined;
      paths[name] = path;
    }
    return { files: paths };
  }

  /** Nothing to do: a put's files are renamed into place whole, and its tmp/ directory is gone by then. */
  async committed(): Promise<void> {}

  async remove(key: string, id: string): Promise<void> {
    const dir = this.entryDir(key, id);
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    // Drop the key's directory once its last version is gone; a concurrent put may have just added one.
    await removeIfEmpty(join(dir, '..'));
  }

  /** Removes what crashed puts left in tmp/; `olderThanMs` keeps puts still in progress. Wall-clock time. */
  sweepTemp(olderThanMs: number): Promise<number> {
    return removeOlderThan(this.tmpDir, olderThanMs);
  }
}

/**
 * Removes the entries of `dir` (files or whole directories) last modified more than `olderThanMs` ago, by
 * wall-clock time; a missing `dir` has none. Returns how many went.
 */
export async function removeOlderThan(dir: string, olderThanMs: number): Promise<number> {
  const names = await namesIn(dir);
  let removed = 0;
  const cutoff = Date.now() - olderThanMs;
  for (const name of names) {
    const path = join(dir, name);
    try {
      if ((await stat(path)).mtimeMs < cutoff) {
        await rm(path, { recursive: true, force: true });
        removed++;
      }
    } catch (error) {
      if (code(error) !== 'ENOENT') throw error;
    }
  }
  return removed;
}

/** The names in a directory; none when it does not exist. */
export async function namesIn(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (code(error) === 'ENOENT') return [];
    throw error;
  }
}

/** Drops a directory once it is empty; a concurrent writer may have just added to it, or a remover dropped it. */
export async function removeIfEmpty(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch (error) {
    if (!['ENOENT', 'ENOTEMPTY', 'EEXIST'].includes(code(error) ?? '')) throw error;
  }
}

/** Whether the local file at `path` has the recorded size and sha256; false when it is missing. */
export async function matchesRecord(path: string, expected: StoredFile): Promise<boolean> {
  try {
    if ((await stat(path)).size !== expected.size) return false;
    return (await sha256OfFile(path)) === expected.sha256;
  } catch (error) {
    if (code(error) === 'ENOENT') return false;
    throw error;
  }
}

/** Hard-links `source` at `target` and hashes it; undefined when this filesystem cannot link it (copy instead). */
async function linkHashing(source: string, target: string): Promise<StoredFile | undefined> {
  try {
    await link(source, target);
  } catch (error) {
    // ENOENT and directories (EPERM) are reported by the copy, as before.
    if (['EXDEV', 'EPERM', 'EMLINK', 'ENOTSUP', 'EOPNOTSUPP', 'ENOENT', 'EACCES'].includes(code(error) ?? '')) return undefined;
    throw error;
  }
  return hashOfFile(target);
}

async function copyHashing(source: string, target: string): Promise<StoredFile> {
  const hash = createHash('sha256');
  let size = 0;
  try {
    await pipeline(
      createReadStream(source, { highWaterMark: CHUNK }),
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          hash.update(chunk);
          size += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(target, { flags: 'wx' }),
    );
  } catch (error) {
    if (code(error) === 'ENOENT' || code(error) === 'EISDIR') {
      throw new InvalidCacheInputError(`cannot read ${source} to store it in the cache: ${code(error)}`);
    }
    throw error;
  }
  return { sha256: hash.digest('hex'), size };
}

export async function sha256OfFile(path: string): Promise<string> {
  return (await hashOfFile(path)).sha256;
}

/** The sha256 and size of a local file, read once in 1 MiB chunks. */
export async function hashOfFile(path: string): Promise<StoredFile> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}
