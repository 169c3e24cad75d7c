// The media library (/api/media): what the API stores and what the worker reads. Items are content-addressed:
// an item's id is derived from the sha256 of its bytes, so the same file uploaded twice is one item, and a
// `media:<id>` reference names exactly one content for life (the pipeline cache keys it as it is).

export const MEDIA_KINDS = ['image', 'video', 'audio'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** `med-` and the first 32 hex digits (128 bits) of the content's sha256. */
export const MEDIA_ID = /^med-[0-9a-f]{32}$/;
/** How a request refers to an item wherever it takes a media path or URL. */
export const MEDIA_REF_PREFIX = 'media:';

export function mediaIdForSha256(sha256: string): string {
  return `med-${sha256.slice(0, 32)}`;
}

/** The item id of a `media:<id>` reference; undefined when `ref` is not one (a path or a URL). */
export function mediaRefId(ref: string): string | undefined {
  return ref.startsWith(MEDIA_REF_PREFIX) ? ref.slice(MEDIA_REF_PREFIX.length) : undefined;
}

/**
 * Where the library lives, relative to DATA_DIR: `files/<id>` holds the bytes, `items/<id>.json` what is known of
 * them (written last, removed first: an item exists exactly when its metadata does), `incoming/` the files being
 * received (renamed into place once complete and sniffed, so no half-written file is ever an item).
 */
export const MEDIA_LIBRARY_LAYOUT = { root: 'library', files: 'library/files', items: 'library/items', incoming: 'library/incoming' } as const;

/** What ffprobe made of a file (the probeMediaWorkflow's result). */
export interface SniffedMedia {
  kind: MediaKind;
  /** ffprobe's format name(s), e.g. `png_pipe`, `mov,mp4,m4a,3gp,3g2,mj2`. */
  format: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
}

export interface ProbeMediaInput {
  /** The received file, relative to DATA_DIR (under MEDIA_LIBRARY_LAYOUT.incoming). */
  path: string;
  /** The file's name as the client gave it, named in errors. */
  name: string;
}

/** A library item as stored in `items/<id>.json` and answered by the API (plus `links`). */
export interface MediaItem extends Omit<SniffedMedia, 'format'> {
  id: string;
  name: string;
  bytes: number;
  sha256: string;
  createdAt: string;
}

/** The probe workflow's failure type for a file that is no image, video or audio: the API answers 415. */
export const UNSUPPORTED_MEDIA = 'UnsupportedMedia';

export const PROBE_MEDIA_WORKFLOW = 'probeMediaWorkflow';
