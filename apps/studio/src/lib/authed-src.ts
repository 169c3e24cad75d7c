import { useEffect, useState } from 'preact/hooks';
import { apiKey, authHeaders } from './api';

/**
 * The address an `<img>` or `<video>` can load an API file from. Without API keys that is the route itself (the
 * browser streams it, with Range requests). With a key, an element cannot send the `Authorization` header and the
 * key must never go into a URL, so the file is fetched with the header and shown from a `blob:` URL, released when
 * the element goes away. Undefined while it loads, or when the API refuses it (404: no thumbnail).
 */
export function useAuthedSrc(url: string | undefined): string | undefined {
  const [src, setSrc] = useState<string | undefined>(url && !apiKey.get() ? url : undefined);
  useEffect(() => {
    if (!url || !apiKey.get()) return void setSrc(url);
    setSrc(undefined);
    let objectUrl: string | undefined;
    let live = true;
    void fetch(url, { headers: authHeaders() })
      .then((res) => (res.ok ? res.blob() : undefined))
      .then((blob) => {
        if (!blob || !live) return;
        objectUrl = URL.createObjectURL(blob);
        setSrc(objectUrl);
      })
      .catch(() => undefined);
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [url]);
  return src;
}
