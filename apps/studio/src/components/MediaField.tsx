import { useEffect, useState } from 'preact/hooks';
import type { ApiSchemas } from '@vidflow/api-client';
import { ApiError, client, unwrap } from '../lib/api';

type Kind = 'image' | 'video' | 'audio';
type Item = ApiSchemas['MediaList']['items'][number];

interface Props {
  /** The request field (`render.background`): the control's id, and where the API's errors for it are shown. */
  id: string;
  label: string;
  /** The kinds of media this field takes: a background takes images and videos, music takes audio. */
  kinds: Kind[];
  value: string;
  /** With the kind of a library item when one was picked or uploaded (a `media:<id>` says nothing of its kind). */
  onChange: (value: string, kind?: Kind) => void;
  error?: string;
}

/**
 * A media reference: typed (a URL, a path under MEDIA_DIR, `media:<id>`, or a colour where the field takes one),
 * picked from the media library (`GET /api/media`), or a file uploaded to the library from this page
 * (`POST /api/media`, multipart), which then fills in its `media:<id>`. The API sniffs the upload with ffprobe:
 * a file that is no image, video or audio is refused (415) and the message is shown here.
 */
export function MediaField({ id, label, kinds, value, onChange, error }: Props) {
  const [items, setItems] = useState<Item[]>([]);
  const [note, setNote] = useState<string>();
  const [uploadError, setUploadError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const load = async () => {
    try {
      const pages = await Promise.all(kinds.map((kind) => unwrap(client.GET('/api/media', { params: { query: { kind, limit: 100 } } }))));
      setItems(pages.flatMap((p) => p.items));
    } catch {
      setItems([]); // the library is optional: the field still takes a typed reference
    }
  };
  useEffect(() => void load(), []);

  const upload = async (file: File) => {
    setBusy(true);
    setUploadError(undefined);
    setNote(`Uploading ${file.name}…`);
    try {
      const form = new FormData();
      form.append('file', file, file.name);
      const created = await unwrap(
        client.POST('/api/media', { body: form as unknown as { file: string }, bodySerializer: (body) => body as unknown as FormData }),
      );
      if (!kinds.includes(created.kind)) {
        setUploadError(`${file.name} is ${created.kind === 'audio' ? 'audio' : `a ${created.kind}`}; this field takes ${kinds.join(' or ')}`);
        setNote(undefined);
      } else {
        onChange(`media:${created.id}`, created.kind);
        setNote(`Uploaded ${created.name} (${created.kind}) as media:${created.id}.`);
      }
      await load();
    } catch (err) {
      setUploadError(err instanceof ApiError ? err.message : (err as Error).message);
      setNote(undefined);
    } finally {
      setBusy(false);
    }
  };

  const errorId = `${id}-error`;
  const pickId = `${id}-library`;
  const uploadId = `${id}-upload`;
  const selected = value.startsWith('media:') ? value.slice('media:'.length) : '';
  return (
    <div class="field media-field">
      <label for={id}>{label}</label>
      <input id={id} value={value} aria-invalid={error ? true : undefined} aria-describedby={error ? errorId : undefined} onInput={(e) => onChange(e.currentTarget.value)} />
      {error && <p id={errorId} class="error" role="alert">{error}</p>}
      {items.length > 0 && (
        <>
          <label for={pickId}>{label.replace(/[:(].*$/, '').trim()} from the media library</label>
          <select id={pickId} value={items.some((i) => i.id === selected) ? selected : ''} onChange={(e) => {
            const item = items.find((i) => i.id === e.currentTarget.value);
            if (item) onChange(`media:${item.id}`, item.kind);
          }}>
            <option value="">Choose…</option>
            {items.map((item) => (
              <option key={item.id} value={item.id}>{item.name} ({item.kind})</option>
            ))}
          </select>
        </>
      )}
      <label for={uploadId}>Upload {kinds.join(' or ')} to the media library</label>
      <input id={uploadId} type="file" accept={kinds.map((k) => `${k}/*`).join(',')} disabled={busy}
        onChange={(e) => { const file = e.currentTarget.files?.[0]; if (file) void upload(file); e.currentTarget.value = ''; }} />
      {note && <p class="note" role="status">{note}</p>}
      {uploadError && <p class="error" role="alert">{uploadError}</p>}
    </div>
  );
}
