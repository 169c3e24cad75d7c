import { isHttpUrl, looksLikeUrl, MEDIA_ID, mediaRefId, redactUrl } from '@vidflow/contracts';
import { buildDecodeCheckArgs, FfmpegError, type FfmpegRunner, ProbeError } from '@vidflow/media';
import { findMediaFile } from '@vidflow/pipeline-cache';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
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
  /** The media library (DATA_DIR/library), where `media:<id>` references resolve; without it they are refused. */
  libraryDir?: string;
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
  const mediaId = mediaRefId(ref);
  if (mediaId !== undefined) {
    const real = await libraryMediaPath(mediaId, field, o.libraryDir);
    return checkDecodes({ ...o, path: real, shown: JSON.stringify(ref), downloaded: false });
  }
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

/** A local media reference's real path (findMediaFile's rules), or a non-retryable BadMedia naming the field. */
export async function localMediaPath(ref: string, field: string, mediaDir: string): Promise<string> {
  const found = await findMediaFile(ref, mediaDir);
  if ('problem' in found) throw badMedia(field, found.problem);
  return found.path;
}

/**
 * A media-library item's file (`media:<id>`): the item must exist (its metadata is written last and removed
 * first, so a file without it is not an item) and the file must pass findMediaFile's confinement rules inside
 * the library's files folder, as a MEDIA_DIR path does. Non-retryable BadMedia naming the field otherwise.
 */
export async function libraryMediaPath(id: string, field: string, libraryDir: string | undefined): Promise<string> {
  if (!libraryDir) throw badMedia(field, `"media:${id}": this worker has no media library`);
  if (!MEDIA_ID.test(id)) throw badMedia(field, `"media:${id}" is not a media-library id (media:med-<32 hex digits>)`);
  const known = await stat(join(libraryDir, 'items', `${id}.json`)).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!known) throw badMedia(field, `no media-library item ${id} (it was deleted, or never uploaded: POST /api/media)`);
  return localMediaPath(id, field, join(libraryDir, 'files'));
}

/**
 * ffmpeg formats that are lists of other inputs: an HLS playlist or concat list makes ffmpeg open the
 * files (and, for HLS, URLs) it names, bypassing every check made on the download itself.
 */
const INDIRECT_FORMATS = new Set(['hls', 'applehttp', 'concat', 'ffconcat', 'sdp', 'rtsp', 'rtp', 'dash', 'tee', 'ffmetadata']);

/** What a downloaded file is if its first bytes show one of the INDIRECT_FORMATS (checked before ffprobe opens it). */
export async function sniffIndirection(path: string): Promise<string | undefined> {
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

/**
 * A file this worker received by other means than a request's reference (a generated image written from the
 * provider's answer) checked as resolveMediaInput checks media: it must probe and decode as `kind`, else a
 * non-retryable BadMedia naming `field`. Answers the path.
 */
export async function checkReceivedMedia(o: Pick<ResolveMediaInputOptions, 'field' | 'kind' | 'ffmpeg' | 'signal'> & { path: string; shown: string }): Promise<string> {
  const indirection = await sniffIndirection(o.path);
  if (indirection) throw badMedia(o.field, `${o.shown} is ${indirection}, not a media file`);
  return checkDecodes({ ...o, ref: o.path, mediaDir: '', downloaded: true });
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
