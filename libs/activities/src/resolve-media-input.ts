import { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes } from '@vidflow/contracts';
import { buildDecodeCheckArgs, FfmpegError, type FfmpegRunner, ProbeError } from '@vidflow/media';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export type MediaKind = 'image' | 'video' | 'audio';

export interface ResolveMediaInputOptions {
  /** What the request said: a path relative to MEDIA_DIR (or absolute inside it). */
  ref: string;
  /** The request field it came from, named in every error (`render.background.image`, `scenes.2.background.video`). */
  field: string;
  kind: MediaKind;
  mediaDir: string;
  ffmpeg: Pick<FfmpegRunner, 'probe' | 'run'>;
  signal?: AbortSignal;
}

/**
 * Turns a media reference from a request into the real path of a readable local file, or fails at once
 * with a non-retryable `BadMedia` naming the field: no retry can make a missing or unreadable file
 * appear. The path must stay inside MEDIA_DIR both as written (no `..`, no absolute path elsewhere)
 * and after symbolic links are followed (realpath), so a link planted in MEDIA_DIR cannot expose the
 * rest of the disk. The file must then decode as what it is used for: probing alone is not enough,
 * because ffprobe reports a text file named `.png` as a (0x0) png stream.
 */
export async function resolveMediaInput(o: ResolveMediaInputOptions): Promise<string> {
  const { ref, field } = o;
  const shown = JSON.stringify(ref);
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) {
    throw badMedia(field, /^https?:/i.test(ref) ? `${shown}: downloading media from URLs is not supported by this worker yet; put the file under MEDIA_DIR` : `${shown}: only paths under MEDIA_DIR are accepted`);
  }
  if (ref.includes('\0')) throw badMedia(field, 'the path contains a NUL character');
  if (ref.split(/[\\/]/).includes('..')) throw badMedia(field, `${shown}: ".." is not allowed in media paths`);
  const root = resolve(o.mediaDir);
  const candidate = isAbsolute(ref) ? resolve(ref) : resolve(root, ref);
  if (!isInside(candidate, root)) throw badMedia(field, `${shown} is outside MEDIA_DIR`);

  let real: string;
  try {
    real = await realpath(candidate);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw badMedia(field, code === 'ENOENT' || code === 'ENOTDIR' ? `file not found: ${shown}` : `cannot open ${shown}: ${code ?? String(err)}`);
  }
  const realRoot = await realpath(root).catch(() => root);
  if (!isInside(real, realRoot)) throw badMedia(field, `${shown} resolves (through a symbolic link) outside MEDIA_DIR`);
  const info = await stat(real);
  if (!info.isFile()) throw badMedia(field, `${shown} is not a file`);

  const wanted = o.kind === 'audio' ? 'audio' : 'video';
  const what = o.kind === 'audio' ? 'an audio stream' : 'a video stream';
  let probe;
  try {
    probe = await o.ffmpeg.probe(real);
  } catch (err) {
    if (err instanceof ProbeError) throw badMedia(field, `${shown} is not readable media (${err.message.split(': ').slice(-1)[0]})`);
    throw err;
  }
  if (!probe.streams.some((s) => s.type === wanted)) throw badMedia(field, `${shown} has no ${wanted} stream; expected ${what} (${o.kind})`);
  try {
    await o.ffmpeg.run(buildDecodeCheckArgs({ input: real, stream: wanted === 'audio' ? 'a' : 'v' }), { signal: o.signal });
  } catch (err) {
    if (err instanceof FfmpegError && !err.cancelled) throw badMedia(field, `${shown} cannot be decoded as ${o.kind === 'image' ? 'an image' : `${what}`}`);
    throw err;
  }
  return real;
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function badMedia(field: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorTypes.BadMedia, message: `${field}: ${message}`, nonRetryable: true, details: [{ field }] });
}
