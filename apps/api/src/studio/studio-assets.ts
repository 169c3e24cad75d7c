import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

/** One file of the Studio's build, with the precompressed variants Vite's build step wrote next to it. */
export interface StudioFile {
  body: Buffer;
  br?: Buffer;
  gzip?: Buffer;
  type: string;
  etag: string;
  mtimeMs: number;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * Reads files of the Studio's dist directory into memory on first use (the whole build is a few hundred
 * KB) and again when a file's mtime changes, so `npm run build` while the API runs is picked up without a
 * restart. Paths are confined to the directory: `..` and absolute names never leave it.
 */
export class StudioAssets {
  private readonly files = new Map<string, StudioFile>();

  constructor(readonly dir: string) {}

  async get(relative: string): Promise<StudioFile | undefined> {
    const clean = normalize(relative).replace(/^([/\\])+/, '');
    if (clean.startsWith('..') || clean.includes(`${sep}..${sep}`) || clean.includes('\0')) return undefined;
    const path = join(this.dir, clean);
    if (!path.startsWith(this.dir + sep)) return undefined;
    let info;
    try {
      info = await stat(path);
    } catch {
      return undefined;
    }
    if (!info.isFile()) return undefined;
    const known = this.files.get(path);
    if (known && known.mtimeMs === info.mtimeMs) return known;
    const body = await readFile(path);
    const file: StudioFile = {
      body,
      br: await readFile(`${path}.br`).catch(() => undefined),
      gzip: await readFile(`${path}.gz`).catch(() => undefined),
      type: TYPES[extname(path)] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      mtimeMs: info.mtimeMs,
    };
    this.files.set(path, file);
    return file;
  }
}
