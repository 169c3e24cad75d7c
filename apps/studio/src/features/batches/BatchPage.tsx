import type { ApiSchemas } from '@vidflow/api-client';
import { useState } from 'preact/hooks';
import { client, unwrap } from '../../lib/api';
import { messageOf } from '../../lib/format';
import { onLinkClick } from '../../lib/router';
import { TERMINAL } from '../../lib/types';
import { usePoll } from '../../lib/use-poll';

type BatchStatus = ApiSchemas['BatchStatus'];
const PAGE = 50;
const COUNTS = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;

/** One batch: its counts and per-item status, refreshed every 2 s until it ends; retry the failed, cancel. */
export function BatchPage({ id }: { id: string }) {
  const [batch, setBatch] = useState<BatchStatus>();
  const [offset, setOffset] = useState(0);
  const [problem, setProblem] = useState<string>();
  const [note, setNote] = useState<string>();
  const [epoch, setEpoch] = useState(0);

  usePoll(async () => {
    try {
      const b = await unwrap(client.GET('/api/batches/{id}', { params: { path: { id }, query: { offset, limit: PAGE } } }));
      setBatch(b);
      setProblem(undefined);
      return TERMINAL.has(b.status);
    } catch (err) {
      setProblem(messageOf(err));
      return false;
    }
  }, 2000, [id, offset, epoch]);

  const act = async (what: 'retry' | 'cancel') => {
    setNote(undefined);
    try {
      if (what === 'retry') {
        const r = await unwrap(client.POST('/api/batches/{id}/retry', { params: { path: { id } } }));
        setNote(`Retrying ${r.retrying} failed ${r.retrying === 1 ? 'video' : 'videos'}.`);
      } else {
        await unwrap(client.DELETE('/api/batches/{id}', { params: { path: { id } } }));
        setNote('Cancel requested.');
      }
      setEpoch(epoch + 1); // poll again, also when the batch had ended
    } catch (err) {
      setProblem(messageOf(err));
    }
  };

  if (!batch) return <section aria-busy="true"><h1>Batch <span class="mono">{id}</span></h1><p>{problem ?? 'Loading…'}</p></section>;
  const done = TERMINAL.has(batch.status);
  const finished = batch.completed + batch.failed + batch.cancelled;
  return (
    <section aria-labelledby="batch-title">
      <h1 id="batch-title">Batch <span class="mono">{id}</span></h1>
      <p><strong class={`badge ${batch.status}`}>{batch.status}</strong> {finished} of {batch.total} finished{batch.cacheHits ? ` · ${batch.cacheHits} from cache` : ''}</p>
      <progress max={batch.total || 1} value={finished} aria-label="Videos finished" />
      <table aria-label="Counts">
        <thead><tr>{COUNTS.map((c) => <th scope="col" key={c}>{c}</th>)}</tr></thead>
        <tbody><tr>{COUNTS.map((c) => <td key={c} data-count={c}>{batch[c]}</td>)}</tr></tbody>
      </table>
      {problem && <p class="error" role="alert">{problem}</p>}
      {note && <p class="note" role="status">{note}</p>}
      <p class="row">
        {done && batch.failed > 0 && <button type="button" class="primary" onClick={() => void act('retry')}>Retry {batch.failed} failed</button>}
        {!done && <button type="button" onClick={() => void act('cancel')}>Cancel batch</button>}
        <a href="/batches" onClick={onLinkClick}>All batches</a>
      </p>
      <table class="items">
        <caption>Items {batch.offset + 1}–{batch.offset + batch.items.length} of {batch.total}</caption>
        <thead><tr><th scope="col">#</th><th scope="col">Video</th><th scope="col">Status</th><th scope="col">Error</th></tr></thead>
        <tbody>
          {batch.items.map((item) => (
            <tr key={item.index}>
              <td>{item.index + 1}</td>
              <td><a href={`/videos/${item.videoId}`} onClick={onLinkClick} class="mono">{item.videoId}</a></td>
              <td><span class={`badge ${item.status}`}>{item.status}</span></td>
              <td>{item.error ? `${item.error.stage ? `${item.error.stage}: ` : ''}${item.error.message}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {batch.total > PAGE && (
        <p class="row">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Previous items</button>
          <button type="button" disabled={offset + PAGE >= batch.total} onClick={() => setOffset(offset + PAGE)}>Next items</button>
        </p>
      )}
    </section>
  );
}
