import { isHttpUrl, looksLikeUrl, redactUrl } from '@vidflow/contracts';
import { buildDecodeCheckArgs, FfmpegError, type FfmpegRunner, ProbeError } from '@vidflow/media';
import { open, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { DEFAULT_MEDIA_DOWNLOAD, downloadMedia, type DownloadMediaOptions, type MediaDownloadSettings } from '../media-download/download-media';
import { badMedia } from '../media-failures';

export type MediaKind = 'image' | 'video' | 'audio';

export interface ResolveMediaInputOptions {
  /** What the request said: a path relative to MEDIA_DIR (or absolute inside it), or an http(s) URL. */
  ref: string;
  /** The request field it came from, named in every error (`render.background.image`, `scenes.2.background.video`). */
  field: string;
  kind: MediaKind;
  mediaDir: string;
  ffmpeg: Pick<FfmpegRunner, 'probe' | 'run'>;
  signal?: AbortSignal;
  /**
   * How http(s) URLs are fetched (settings not given take DEFAULT_MEDIA_DOWNLOAD's values), and into
   * which directory (the activity attempt's scratch directory); without it URLs are refused.
   */
  download?: Partial<MediaDownloadSettings> & Pick<DownloadMediaOptions, 'dir' | 'onProgress' | 'idleTimeoutSeconds' | 'resolveHost' | 'classify'>;
}

/**
 * Turns a media reference from a request into the real path of a readable local file, or fails at once
 * with a non-retryable `BadMedia` naming the field: no retry can make a missing or unreadable file
 * appear. The path must stay inside MEDIA_DIR both as written (no `..`, no absolute path elsewhere)
 * and after symbolic links are followed (realpath), so a link planted in MEDIA_DIR cannot expose the
 * rest of the disk. An http(s) URL is downloaded into the scratch directory first (`downloadMedia`:
 * public addresses only unless configured, size and time limits; its transient failures are retried).
 * The file must then decode as what it is used for: probing alone is not enough, because ffprobe
 * reports a text file named `.png` as a (0x0) png stream.
 */
export async function resolveMediaInput(o: ResolveMediaInputOptions): Promise<string> {
  const { ref, field } = o;
  if (looksLikeUrl(ref)) {
    const shownUrl = JSON.stringify(redactUrl(ref));
    if (!isHttpUrl(ref)) throw badMedia(field, `${shownUrl}: only http(s) URLs and paths under MEDIA_DIR are accepted`);
    if (!o.download) throw badMedia(field, `${shownUrl}: this worker does not download media from URLs; put the file under MEDIA_DIR`);
    const { path } = await downloadMedia({ ...DEFAULT_MEDIA_DOWNLOAD, ...definedOnly(o.download), url: ref, field, signal: o.signal });
    // Fetched from anywhere, so never handed to ffmpeg if it would make ffmpeg open other files or URLs.
    const indirection = await sniffIndirection(path);
    if (indirection) throw badMedia(field, `${shownUrl} is ${indirection}, not a media file`);
    return checkDecodes({ ...o, path, shown: shownUrl, downloaded: true });
  }
  const real = await localMediaPath(ref, field, o.mediaDir);
  return checkDecodes({ ...o, path: real, shown: JSON.stringify(ref), downloaded: false });
}

/**
 * The real path of a local media reference: a regular file inside MEDIA_DIR both as written (no `..`, no
 * absolute path elsewhere) and after symbolic links are followed. Otherwise a non-retryable BadMedia
 * naming the field.
 */
export async function localMediaPath(ref: string, field: string, mediaDir: string): Promise<string> {
  const shown = JSON.stringify(ref);
  if (ref.includes('\0')) throw badMedia(field, 'the path contains a NUL character');
  if (ref.split(/[\\/]/).includes('..')) throw badMedia(field, `${shown}: ".." is not allowed in media paths`);
  const root = resolve(mediaDir);
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
  return real;
}

/**
 * ffmpeg formats that are lists of other inputs: an HLS playlist or concat list makes ffmpeg open the
 * files (and, for HLS, URLs) it names, bypassing every check made on the download itself.
 */
const INDIRECT_FORMATS = new Set(['hls', 'applehttp', 'concat', 'ffconcat', 'sdp', 'rtsp', 'rtp', 'dash', 'tee', 'ffmetadata']);

/** What a downloaded file is if its first bytes show one of the INDIRECT_FORMATS (checked before ffprobe opens it). */
async function sniffIndirection(path: string): Promise<string | undefined> {
  const file = await open(path, 'r');
  let head: string;
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await file.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead).toString('latin1').replace(/^\xef\xbb\xbf/, '').trimStart();
  } finally {
    await file.close();
  }
  if (head.startsWith('#EXTM3U')) return 'an HLS playlist';
  if (head.startsWith('ffconcat')) return 'an ffconcat list';
  if (/^v=0\s/m.test(head) && /^m=/m.test(head)) return 'an SDP session description';
  return undefined;
}

async function checkDecodes(o: ResolveMediaInputOptions & { path: string; shown: string; downloaded: boolean }): Promise<string> {
  const { field, shown, path: real } = o;
  const wanted = o.kind === 'audio' ? 'audio' : 'video';
  const what = o.kind === 'audio' ? 'an audio stream' : 'a video stream';
  let probe;
  try {
    probe = await o.ffmpeg.probe(real);
  } catch (err) {
    if (err instanceof ProbeError) throw badMedia(field, `${shown} is not readable media (${err.message.split(': ').slice(-1)[0]})`);
    throw err;
  }
  if (o.downloaded && probe.format.split(',').some((f) => INDIRECT_FORMATS.has(f))) {
    throw badMedia(field, `${shown} is a list of other inputs (${probe.format}), not a media file`);
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

/** `{ ...defaults, ...given }` must not let an explicit `undefined` (an unset optional setting) replace a default. */
function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}
