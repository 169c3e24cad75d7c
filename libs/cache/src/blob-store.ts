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
export class BlobStore {
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
   * undefined otherwise.
   */
  async verify(key: string, id: string, files: Record<string, StoredFile>): Promise<Record<string, string> | undefined> {
    const dir = this.entryDir(key, id);
    const paths: Record<string, string> = {};
    for (const [name, expected] of Object.entries(files)) {
      const path = join(dir, name);
      try {
        if ((await stat(path)).size !== expected.size) return undefined;
        if ((await sha256OfFile(path)) !== expected.sha256) return undefined;
      } catch (error) {
        if (code(error) === 'ENOENT') return undefined;
        throw error;
      }
      paths[name] = path;
    }
    return paths;
  }

  async remove(key: string, id: string): Promise<void> {
    const dir = this.entryDir(key, id);
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    // Drop the key's directory once its last version is gone; a concurrent put may have just added one.
    try {
      await rmdir(join(dir, '..'));
    } catch (error) {
      if (!['ENOENT', 'ENOTEMPTY', 'EEXIST'].includes(code(error) ?? '')) throw error;
    }
  }

  /** Removes what crashed puts left in tmp/; `olderThanMs` keeps puts still in progress. Wall-clock time. */
  async sweepTemp(olderThanMs: number): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.tmpDir);
    } catch (error) {
      if (code(error) === 'ENOENT') return 0;
      throw error;
    }
    let removed = 0;
    const cutoff = Date.now() - olderThanMs;
    for (const name of names) {
      const path = join(this.tmpDir, name);
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

async function hashOfFile(path: string): Promise<StoredFile> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}
