import { useEffect, useState } from 'preact/hooks';
import { client, unwrap } from '../../lib/api';
import { onLinkClick } from '../../lib/router';
import { Thumbnail } from '../../components/Thumbnail';
import type { ApiSchemas } from '@vidflow/api-client';

type Item = ApiSchemas['VideoList']['items'][number];

/** Every video, newest first, from GET /api/videos (cursor pages), filtered by status. */
export function LibraryPage() {
  const [status, setStatus] = useState('');
  const [items, setItems] = useState<Item[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>();
  const [problem, setProblem] = useState<string>();
  const [note, setNote] = useState<string>();

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

  const cancel = (id: string) => void unwrap(client.DELETE('/api/videos/{id}', { params: { path: { id } } })).then(() => load(), (e: Error) => setProblem(e.message));
  /** DELETE ?purge=true: the MP4, its poster and the run go; asked first, as nothing brings them back. */
  const remove = (id: string) => {
    if (!confirm(`Delete video ${id}? Its file and its run are removed for good.`)) return;
    void unwrap(client.DELETE('/api/videos/{id}', { params: { path: { id }, query: { purge: 'true' } } })).then(
      () => {
        setItems((prev) => prev.filter((v) => v.id !== id));
        setNote(`Video ${id} deleted.`);
      },
      (e: Error) => setProblem(e.message),
    );
  };

  return (
    <section aria-labelledby="library-title">
      <h1 id="library-title">Videos</h1>
      <label for="status-filter">Status</label>
      <select id="status-filter" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
        <option value="">All</option>
        {['queued', 'running', 'completed', 'failed', 'cancelled'].map((s) => <option key={s} value={s}>{s}</option>)}
      </select>
      {problem && <p class="error" role="alert">{problem}</p>}
      <p role="status" class="note">{note}</p>
      <ul class="library">
        {items.map((v) => (
          <li key={v.id}>
            <Thumbnail url={v.links.thumbnail} />
            <a href={`/videos/${v.id}`} onClick={onLinkClick} class="mono">{v.id}</a> <span class={`badge ${v.status}`}>{v.status}</span>{' '}
            {v.createdAt && <time dateTime={v.createdAt}>{new Date(v.createdAt).toLocaleString()}</time>}
            {v.status === 'running' || v.status === 'queued' ? (
              <button type="button" onClick={() => cancel(v.id)}>
                Cancel <span class="visually-hidden">{v.id}</span>
              </button>
            ) : (
              <button type="button" onClick={() => remove(v.id)}>
                Delete <span class="visually-hidden">{v.id}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
      {items.length === 0 && !problem && <p>No videos yet.</p>}
      {cursor && <button type="button" onClick={() => void load(cursor)}>More</button>}
    </section>
  );
}
