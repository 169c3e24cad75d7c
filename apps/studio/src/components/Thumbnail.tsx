import { useState } from 'preact/hooks';
import { useAuthedSrc } from '../lib/authed-src';

/** A video's poster frame (links.thumbnail), or a plain tile while it loads and when the video has none. */
export function Thumbnail({ url }: { url?: string }) {
  const src = useAuthedSrc(url);
  const [failed, setFailed] = useState(false);
  if (!src || failed) return <span class="thumb" aria-hidden="true" />;
  return <img class="thumb" src={src} alt="" width={64} height={64} loading="lazy" decoding="async" onError={() => setFailed(true)} />;
}
