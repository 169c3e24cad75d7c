import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KvStore, Upload } from '@tus/utils';

/**
 * Each upload's description (`<id>.json` beside its data file: size, metadata, creation date), written to a
 * `.part` file and renamed, so that a crash never leaves a half-written description that would make the
 * upload unreadable after a restart (tus's own file store writes it in place).
 */
export class UploadInfoStore implements KvStore<Upload> {
  constructor(private readonly dir: string) {}

  async get(id: string): Promise<Upload | undefined> {
    try {
      return JSON.parse(await readFile(this.path(id), 'utf8')) as Upload;
    } catch {
      return undefined;
    }
  }

  async set(id: string, value: Upload): Promise<void> {
    const part = `${this.path(id)}.part`;
    await writeFile(part, JSON.stringify(value));
    await rename(part, this.path(id));
  }

  async delete(id: string): Promise<void> {
    await rm(this.path(id), { force: true });
  }

  /** Ids of the uploads that have both a description and a data file. */
  async list(): Promise<string[]> {
    const names = new Set(await readdir(this.dir));
    return [...names].filter((n) => n.endsWith('.json') && names.has(n.slice(0, -'.json'.length))).map((n) => n.slice(0, -'.json'.length));
  }

  private path(id: string): string {
    return join(this.dir, `${id}.json`);
  }
}
