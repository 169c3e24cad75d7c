import { useEffect, useState } from 'preact/hooks';
import { client, unwrap } from '../../lib/api';
import { onLinkClick } from '../../lib/router';
import type { ApiSchemas } from '@vidflow/api-client';

type Item = ApiSchemas['VideoList']['items'][number];

/** Every video, newest first, from GET /api/videos (cursor pages), filtered by status. */
export function LibraryPage() {
  const [status, setStatus] = useState('');
  const [items, setItems] = useState<Item[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>();
  const [problem, setProblem] = useState<string>();

  const load = async (from?: string) => {
    try {
      const query = { limit: 20, ...(status ? { status: status as Item['status'] } : {}), ...(from ? { cursor: from } : {}) };
      const page = await unwrap(client.GET('/api/videos', { params: { query } }));
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
            {v.createdAt && <time dateTime={v.createdAt}>{new Date(v.createdAt).toLocaleString()}</time>}
            {v.status === 'running' || v.status === 'queued' ? (
              <button type="button" onClick={() => void unwrap(client.DELETE('/api/videos/{id}', { params: { path: { id: v.id } } })).then(() => load(), (e: Error) => setProblem(e.message))}>
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
