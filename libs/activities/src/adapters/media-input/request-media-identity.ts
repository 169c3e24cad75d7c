import type { Background, VideoRequest } from '@vidflow/contracts';
import { stat } from 'node:fs/promises';
import { fileContentHasher, type FileContentHasher } from './file-content-hasher';
import { localMediaPath } from './resolve-media-input';

/** A scheme such as `https:`: the reference is a URL, not a path. */
const URL_LIKE = /^[a-z][a-z0-9+.-]*:/i;

export interface RequestMediaIdentity {
  /** Each media reference of the request: `sha256:<hex>` of a local file's content, or `url:<the URL>`. */
  media: Record<string, string>;
  /** Latest mtime or ctime (ms since the epoch) among the local files; 0 when there are none. */
  changedAtMs: number;
}

/** Every media reference a request names (backgrounds, scenes' backgrounds, music), each once, in order. */
export function requestMediaRefs(request: VideoRequest): string[] {
  const refs = new Set<string>();
  const add = (bg: Background | undefined) => {
    if (bg && 'image' in bg) refs.add(bg.image);
    if (bg && 'video' in bg) refs.add(bg.video);
  };
  add(request.render.background);
  for (const scene of request.scenes ?? []) add(scene.background);
  if (request.render.music) refs.add(request.render.music.source);
  return [...refs];
}

/**
 * What the media files of a request are, for the whole-pipeline key: a local file by the sha256 of its
 * content, so replacing a background under the same name gives a new key, never the old video; a URL by
 * the URL itself, because fetching it to hash it would cost what a hit saves (a URL whose content changes
 * keeps answering with the old video until its entry expires or is invalidated, or `cache.mode` is
 * `refresh`; the render stage's own key hashes the downloaded file). Undefined when a local reference is
 * not a regular file inside MEDIA_DIR: the pipeline cache then stays out of the way and the render stage
 * fails the video with its own error naming the field.
 */
export async function requestMediaIdentity(
  request: VideoRequest,
  mediaDir: string,
  hasher: FileContentHasher = fileContentHasher,
): Promise<RequestMediaIdentity | undefined> {
  const media: Record<string, string> = {};
  let changedAtMs = 0;
  for (const ref of requestMediaRefs(request)) {
    if (URL_LIKE.test(ref)) {
      media[ref] = `url:${ref}`;
      continue;
    }
    const path = await localMediaFile(ref, mediaDir);
    if (!path) return undefined;
    try {
      const info = await stat(path);
      changedAtMs = Math.max(changedAtMs, info.mtimeMs, info.ctimeMs);
      media[ref] = `sha256:${await hasher.sha256(path)}`;
    } catch {
      return undefined;
    }
  }
  return { media, changedAtMs };
}

/**
 * The real path of a local media reference if it is a regular file inside MEDIA_DIR (resolveMediaInput's
 * rules, whose errors the render stage reports); undefined otherwise. The pipeline lookup runs before the
 * render, and must never read outside MEDIA_DIR or hash a device such as /dev/zero.
 */
async function localMediaFile(ref: string, mediaDir: string): Promise<string | undefined> {
  return localMediaPath(ref, 'media', mediaDir).catch(() => undefined);
}
