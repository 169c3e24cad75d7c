import { useState } from 'preact/hooks';
import { client, unwrap } from '../../lib/api';
import { fmtTime } from '../../lib/format';
import { navigate, onLinkClick } from '../../lib/router';
import { toBatchRequest, type BatchInput } from './batch-input';
import { BatchFields, EMPTY_BATCH } from './BatchFields';
import { errorsOf } from './issues';
import { recentBatches, rememberBatch } from './recent';

/** Submit a batch from a pasted or uploaded CSV/JSON file; lists the batches this browser submitted. */
export function BatchesPage() {
  const [input, setInput] = useState<BatchInput>(EMPTY_BATCH);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const recent = recentBatches();

  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors({});
    setBusy(true);
    try {
      const body = toBatchRequest(input);
      const created = await unwrap(client.POST('/api/batches', { body }));
      rememberBatch(created.id, created.total);
      navigate(`/batches/${created.id}`);
    } catch (err) {
      setErrors(errorsOf(err));
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="batches-title">
      <h1 id="batches-title">Batches</h1>
      <form onSubmit={submit} noValidate aria-label="New batch">
        {errors[''] && <p class="error" role="alert">{errors['']}</p>}
        <BatchFields value={input} onChange={setInput} errors={errors} idPrefix="batch-" />
        <p><button type="submit" class="primary" disabled={busy}>{busy ? 'Submitting…' : 'Start batch'}</button></p>
      </form>
      <h2>Batches from this browser</h2>
      {recent.length === 0 ? <p>None yet.</p> : (
        <ul class="library">
          {recent.map((b) => (
            <li key={b.id}><a href={`/batches/${b.id}`} onClick={onLinkClick} class="mono">{b.id}</a> {b.total} videos · <time dateTime={b.at}>{fmtTime(b.at)}</time></li>
          ))}
        </ul>
      )}
    </section>
  );
}
