import { randomBytes } from 'node:crypto';
import { copyFile, link, lstat, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parseObjectRef } from '@vidflow/cache';
import type { ObjectStore } from './object-store';

/**
 * Where a video's files live in the artifact store (DATA_DIR). Activities return paths relative to
 * the store so that workers which mount it at different places can still share work.
 *
 *   work/<videoId>/   intermediate files kept between activities (scene audio)
 *   tmp/<videoId>/    scratch space of one activity attempt; removed when it ends
 *   videos/<id>.mp4   finished videos
 *   videos/<id>.jpg   their poster frames (the Studio's thumbnails)
 */
/** A run's folder under work/ or tmp/ (or a transcription's transcriptions/<id>/work), and when anything in it last changed. */
export interface RunFolder {
  area: 'work' | 'tmp' | 'transcriptions';
  /** The folder's name: the workflow id of the run that made it. */
  workflowId: string;
  /** Store-relative path, `work/<id>`, `tmp/<id>` or `transcriptions/<id>/work`. */
  path: string;
  /** The newest modification time of the folder and what it holds (two levels down), in ms since the epoch. */
  changedMs: number;
}

export class ArtifactStore {
  readonly root: string;
  /**
   * With ARTIFACT_STORE=s3, the bucket that holds finished videos for every host: commit() and placeCachedFile()
   * put a `videos/` file there instead of under root, so a worker keeps only scratch and work files locally.
   */
  readonly finished?: ObjectStore;

  constructor(root: string, options: { finished?: ObjectStore } = {}) {
    this.root = resolve(root);
    this.finished = options.finished?.kind === 's3' ? options.finished : undefined;
  }

  /** The bucket key when `finalRelative` is a finished file that lives in the bucket; undefined when it stays local. */
  private remoteKey(finalRelative: string): string | undefined {
    const key = this.bucketKey(finalRelative);
    return key?.startsWith('videos/') ? key : undefined;
  }

  /**
   * The bucket key of a run's intermediate file (`work/<id>/...`) with ARTIFACT_STORE=s3. Activities of one video
   * run on whichever host polls first: the scene audio one host speaks is rendered on another, so these files are
   * kept on the committing host's disk (the usual case reads them from there) and copied to the bucket, where any
   * host fetches them (fetchShared) and cleanupVideo removes them.
   */
  private sharedKey(path: string): string | undefined {
    const key = this.bucketKey(path);
    return key?.startsWith('work/') ? key : undefined;
  }

  private bucketKey(path: string): string | undefined {
    if (!this.finished) return undefined;
    return relative(this.root, this.resolve(path)).split(sep).join('/');
  }

  /**
   * Makes run files (store-relative `work/...` paths) present on this host's disk, fetching from the bucket what
   * another host committed; whole files or none (a download goes to a temporary name first). A file that is in
   * neither place stays missing: the caller reports it as it would on one machine.
   */
  async fetchShared(paths: string[]): Promise<void> {
    for (const path of paths) {
      const key = this.sharedKey(path);
      if (!key || (await this.localFile(path))) continue;
      await this.finished!.download(key, this.resolve(path));
    }
  }

  sceneAudio(videoId: string, index: number): string {
    return join('work', videoId, `scene-${String(index).padStart(3, '0')}.wav`);
  }

  /** A scene's generated image (visuals provider openai-images): a run file, shared like the scene audio. */
  sceneImage(videoId: string, index: number): string {
    return join('work', videoId, `image-${String(index).padStart(3, '0')}`);
  }

  video(videoId: string): string {
    return join('videos', `${videoId}.mp4`);
  }

  /** The poster frame of a finished video, beside its MP4 (a bucket key under videos/ too with ARTIFACT_STORE=s3). */
  poster(videoId: string): string {
    return join('videos', `${videoId}.jpg`);
  }

  workDir(videoId: string): string {
    return join('work', videoId);
  }

  tmpDir(videoId: string): string {
    return join('tmp', videoId);
  }

  /** Absolute path of a store-relative path; refuses anything that would land outside the store. */
  resolve(path: string): string {
    const abs = resolve(this.root, path);
    if (abs !== this.root && !abs.startsWith(this.root + sep)) {
      throw new Error(`path escapes the artifact store: ${path}`);
    }
    return abs;
  }

  /** The absolute path of a store-relative file when it exists on this host's disk (not in the bucket). */
  async localFile(path: string): Promise<string | undefined> {
    const abs = this.resolve(path);
    return (await lstat(abs).catch(() => undefined))?.isFile() ? abs : undefined;
  }

  /**
   * A local file to read a finished file from: the file itself when it is on this host's disk, else (ARTIFACT_STORE=s3)
   * a download of its object into `dir`, whole or not at all; undefined when it is in neither.
   */
  async readableFile(finalRelative: string, dir: string): Promise<string | undefined> {
    const local = await this.localFile(finalRelative);
    if (local) return local;
    const key = this.remoteKey(finalRelative);
    if (!key) return undefined;
    const file = join(dir, basename(key));
    return (await this.finished!.download(key, file)) ? file : undefined;
  }

  relative(abs: string): string {
    return relative(this.root, abs);
  }

  /** A fresh scratch directory for one attempt of one activity. */
  async scratchDir(videoId: string, label: string): Promise<string> {
    const dir = this.resolve(join(this.tmpDir(videoId), `${label}-${randomBytes(4).toString('hex')}`));
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /**
   * Moves a finished file into place with rename(2), which is atomic within one file system: readers
   * see either no file or the whole file, never a half-written one.
   */
  async commit(tmpAbs: string, finalRelative: string): Promise<string> {
    const finalAbs = this.resolve(finalRelative);
    const key = this.remoteKey(finalRelative);
    if (key) {
      // A multipart upload shows the object only once complete: the same all-or-nothing as rename(2).
      await this.finished!.putFile(key, tmpAbs, { contentType: contentTypeOf(key) });
      await rm(tmpAbs, { force: true });
      return finalAbs;
    }
    const shared = this.sharedKey(finalRelative);
    // Into the bucket before the local rename: a host that reads it from there never finds it missing.
    if (shared) await this.finished!.putFile(shared, tmpAbs, { contentType: 'application/octet-stream' });
    await mkdir(dirname(finalAbs), { recursive: true });
    await rename(tmpAbs, finalAbs);
    return finalAbs;
  }

  async writeAtomic(finalRelative: string, data: string | Buffer): Promise<void> {
    const finalAbs = this.resolve(finalRelative);
    await mkdir(dirname(finalAbs), { recursive: true });
    const tmp = `${finalAbs}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, data);
      await rename(tmp, finalAbs);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /**
   * Puts a cached file (the cache's own copy, an absolute path) at `finalRelative`, replacing what is there,
   * without copying bytes when it can: a hard link keeps the data even if the cache later evicts its entry.
   * The link goes to a temporary name first and is renamed over the destination, so readers never see a
   * missing or partial file. Copies across file systems (EXDEV) and where links are refused. Throws when the
   * source is gone (evicted since the lookup): the caller computes the stage as on a miss. `source` may also be an
   * objectRef() of a cache object in the bucket (ARTIFACT_STORE=s3), copied inside the bucket.
   */
  async placeCachedFile(source: string, finalRelative: string): Promise<string> {
    const finalAbs = this.resolve(finalRelative);
    const key = this.remoteKey(finalRelative);
    const object = parseObjectRef(source);
    if (object) {
      // A cache entry in the bucket (the pipeline lookup's hit): copied server-side, and only while its ETag is the
      // one the lookup checked, so the video placed is exactly the bytes the cache verified.
      if (!key) throw new Error(`a cached bucket object can only be placed in the bucket (${finalRelative} is a local path)`);
      await this.finished!.copy(object.key, key, { contentType: contentTypeOf(key), ...(object.etag !== undefined ? { ifMatch: object.etag } : {}) });
      return finalAbs;
    }
    if (key) {
      // The cache's copy goes up under this video's key (throws when it was evicted: the caller renders instead).
      await this.finished!.putFile(key, source, { contentType: contentTypeOf(key) });
      return finalAbs;
    }
    const shared = this.sharedKey(finalRelative);
    if (shared) await this.finished!.putFile(shared, source, { contentType: 'application/octet-stream' });
    await mkdir(dirname(finalAbs), { recursive: true });
    const tmp = `${finalAbs}.${randomBytes(4).toString('hex')}.link`;
    try {
      try {
        await link(source, tmp);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw err;
        await copyFile(source, tmp);
      }
      await rename(tmp, finalAbs);
      return finalAbs;
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** Writes a small file (a list, subtitles) into an attempt's scratch directory; returns its absolute path. */
  async writeScratchFile(scratchDir: string, name: string, data: string | Buffer): Promise<string> {
    const path = this.resolve(join(this.relative(scratchDir), name));
    await writeFile(path, data);
    return path;
  }

  /** Removes an attempt's scratch directory (an absolute path from scratchDir) and everything in it. */
  async removeScratch(scratchDir: string): Promise<void> {
    await rm(this.resolve(this.relative(scratchDir)), { recursive: true, force: true });
  }

  /**
   * Every run folder under work/ and tmp/ with its last change. Two levels are enough: a run writes scene audio
   * into work/<id>/ and each attempt makes tmp/<id>/<label>-<hex>/, and writing a file in a directory updates that
   * directory's mtime. Entries that vanish while being read (a cleanup running meanwhile) are skipped.
   */
  async runFolders(): Promise<RunFolder[]> {
    const folders: RunFolder[] = [];
    for (const area of ['work', 'tmp'] as const) {
      const names = await readdir(this.resolve(area)).catch(() => [] as string[]);
      for (const name of names) {
        const path = join(area, name);
        const changedMs = await newestChange(this.resolve(path), 2);
        if (changedMs !== undefined) folders.push({ area, workflowId: name, path, changedMs });
      }
    }
    // A transcription keeps its intermediate files in its own folder (its results beside them stay).
    for (const name of await readdir(this.resolve('transcriptions')).catch(() => [] as string[])) {
      const path = join('transcriptions', name, 'work');
      const changedMs = await newestChange(this.resolve(path), 2);
      if (changedMs !== undefined) folders.push({ area: 'transcriptions', workflowId: name, path, changedMs });
    }
    return folders;
  }

  /** Removes a file or folder here and, for run files, their copies in the bucket. */
  async remove(relativePath: string): Promise<void> {
    await rm(this.resolve(relativePath), { recursive: true, force: true });
    const shared = this.sharedKey(relativePath);
    if (!shared) return;
    // `work/vid-1` lists `work/vid-10/...` too: only the path itself and what is below it go.
    for await (const object of this.finished!.list(shared)) {
      if (object.key === shared || object.key.startsWith(`${shared}/`)) await this.finished!.remove(object.key);
    }
  }
}

/** The newest mtime of `abs` and, for a directory, of what it holds down to `depth` levels; undefined once gone. */
async function newestChange(abs: string, depth: number): Promise<number | undefined> {
  const st = await lstat(abs).catch(() => undefined);
  if (!st) return undefined;
  let newest = st.mtimeMs;
  if (st.isDirectory() && depth > 0) {
    const names = await readdir(abs).catch(() => [] as string[]);
    for (const name of names) {
      const child = await newestChange(join(abs, name), depth - 1);
      if (child !== undefined && child > newest) newest = child;
    }
  }
  return newest;
}

/** The Content-Type a finished file is stored under in the bucket: its MP4 or its poster. */
function contentTypeOf(key: string): string {
  return key.endsWith('.jpg') ? 'image/jpeg' : 'video/mp4';
}
