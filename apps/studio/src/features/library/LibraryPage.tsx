import { useEffect, useState } from 'preact/hooks';
import { api } from '../../lib/api';
import { onLinkClick } from '../../lib/router';
import type { VideoStatus } from '../../lib/types';

interface Page {
  items: VideoStatus[];
  nextCursor?: string | null;
}

/** Every video, newest first, from GET /api/videos (cursor pages), filtered by status. */
export function LibraryPage() {
  const [status, setStatus] = useState('');
  const [items, setItems] = useState<VideoStatus[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>();
  const [problem, setProblem] = useState<string>();

  const load = async (from?: string) => {
    const q = new URLSearchParams({ limit: '20', ...(status ? { status } : {}), ...(from ? { cursor: from } : {}) });
    try {
      const page = await api<Page>(`/api/videos?${q}`);
      setItems((prev) => (from ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor);
      setProblem(undefined);
    } catch (err) {
      setProblem((err as Error).message);
    }
  };
  useEffect(() => void load(), [status]);

  return (
    <section aria-labelledby="library-title">
      <h1 id="library-title">Videos</h1>
      <label for="status-filter">Status</label>
      <select id="status-filter" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
        <option value="">All</option>
        {['queued', 'running', 'completed', 'failed', 'cancelled'].map((s) => <option key={s} value={s}>{s}</option>)}
      </select>
      {problem && <p class="error" role="alert">{problem}</p>}
      <ul class="library">
        {items.map((v) => (
          <li key={v.id}>
            <a href={`/videos/${v.id}`} onClick={onLinkClick} class="mono">{v.id}</a> <span class={`badge ${v.status}`}>{v.status}</span>{' '}
            <time dateTime={v.createdAt}>{new Date(v.createdAt).toLocaleString()}</time>
            {v.result && ` · ${v.result.durationSeconds.toFixed(1)} s`}
            {v.status === 'running' || v.status === 'queued' ? (
              <button type="button" onClick={() => void api(`/api/videos/${v.id}`, { method: 'DELETE' }).then(() => load(), (e: Error) => setProblem(e.message))}>
                Cancel <span class="visually-hidden">{v.id}</span>
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {items.length === 0 && !problem && <p>No videos yet.</p>}
      {cursor && <button type="button" onClick={() => void load(cursor)}>More</button>}
    </section>
  );
}
