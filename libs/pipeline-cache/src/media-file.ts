import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Where a local media reference of a request is: the real path of a regular file inside MEDIA_DIR, or what is
 * wrong with it. The path must stay inside MEDIA_DIR both as written (no `..`, no absolute path elsewhere) and
 * after symbolic links are followed (realpath), so a link planted in MEDIA_DIR cannot expose the rest of the
 * disk, and it must be a regular file (never a device such as /dev/zero). The render stage turns a problem
 * into a BadMedia failure naming the field; the pipeline lookup simply stays out of the way.
 */
export async function findMediaFile(ref: string, mediaDir: string): Promise<{ path: string } | { problem: string }> {
  const shown = JSON.stringify(ref);
  if (ref.includes('\0')) return { problem: 'the path contains a NUL character' };
  if (ref.split(/[\\/]/).includes('..')) return { problem: `${shown}: ".." is not allowed in media paths` };
  const root = resolve(mediaDir);
  const candidate = isAbsolute(ref) ? resolve(ref) : resolve(root, ref);
  if (!isInside(candidate, root)) return { problem: `${shown} is outside MEDIA_DIR` };

  let real: string;
  try {
    real = await realpath(candidate);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' || code === 'ENOTDIR' ? `file not found: ${shown}` : `cannot open ${shown}: ${code ?? String(err)}` };
  }
  const realRoot = await realpath(root).catch(() => root);
  if (!isInside(real, realRoot)) return { problem: `${shown} resolves (through a symbolic link) outside MEDIA_DIR` };
  const info = await stat(real);
  if (!info.isFile()) return { problem: `${shown} is not a file` };
  return { path: real };
}

export function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}
