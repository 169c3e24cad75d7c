import type { ApiSchemas } from '@vidflow/api-client';
import { useState } from 'preact/hooks';
import { client, unwrap } from '../../lib/api';
import { fmtTime, messageOf } from '../../lib/format';
import { onLinkClick } from '../../lib/router';
import { usePoll } from '../../lib/use-poll';
import { InputError, toBatchRequest, type BatchInput } from '../batches/batch-input';
import { BatchFields, EMPTY_BATCH } from '../batches/BatchFields';
import { errorsOf } from '../batches/issues';
import { rememberBatch } from '../batches/recent';

type Schedule = ApiSchemas['Schedule'];
type ScheduleRequest = ApiSchemas['ScheduleRequest'];

interface Form {
  id: string;
  kind: 'cron' | 'interval';
  cron: string;
  intervalSeconds: string;
  timezone: string;
  overlap: NonNullable<ScheduleRequest['overlap']>;
  paused: boolean;
  batch: BatchInput;
}

const EMPTY: Form = { id: '', kind: 'cron', cron: '0 9 * * *', intervalSeconds: '3600', timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', overlap: 'skip', paused: false, batch: EMPTY_BATCH };

export function toScheduleRequest(f: Form): ScheduleRequest {
  if (!f.id.trim()) throw new InputError('id', 'id is required: letters, digits, - and _');
  const when = f.kind === 'cron' ? { cron: f.cron.trim() } : { intervalSeconds: Number(f.intervalSeconds) };
  if (f.kind === 'cron' && !when.cron) throw new InputError('cron', 'cron is required, e.g. 0 9 * * 1-5');
  if (f.kind === 'interval' && !(Number.isInteger(when.intervalSeconds) && when.intervalSeconds! > 0)) throw new InputError('intervalSeconds', 'intervalSeconds must be a whole number of seconds above 0');
  return { id: f.id.trim(), ...when, timezone: f.timezone.trim() || 'UTC', overlap: f.overlap, paused: f.paused, batch: toBatchRequest(f.batch) } as ScheduleRequest;
}

const FORM_FIELDS = new Set(['id', 'cron', 'intervalSeconds', 'timezone', 'overlap']);

/** Recurring batches on Temporal Schedules: create, and per schedule its next and recent runs, pause/unpause, trigger, delete. */
export function SchedulesPage() {
  const [items, setItems] = useState<Schedule[]>();
  const [form, setForm] = useState<Form>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string>();
  const [note, setNote] = useState<string>();
  const [epoch, setEpoch] = useState(0);
  const set = <K extends keyof Form>(key: K, v: Form[K]) => setForm({ ...form, [key]: v });

  // Recent runs change when a schedule fires: refresh every 5 s while the page is open.
  usePoll(async () => {
    try {
      setItems((await unwrap(client.GET('/api/schedules'))).items);
      setProblem(undefined);
    } catch (err) {
      setProblem(messageOf(err));
    }
    return false;
  }, 5000, [epoch]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors({});
    try {
      const body = toScheduleRequest(form);
      await unwrap(client.POST('/api/schedules', { body }));
      setNote(`Schedule ${body.id} created.`);
      setForm(EMPTY);
      setEpoch(epoch + 1);
    } catch (err) {
      setErrors(errorsOf(err, (p) => (FORM_FIELDS.has(p) ? p : p === 'spec' ? form.kind === 'cron' ? 'cron' : 'intervalSeconds' : undefined)));
    }
  };

  const act = async (s: Schedule, what: 'pause' | 'unpause' | 'trigger' | 'delete') => {
    setNote(undefined);
    setProblem(undefined);
    const path = { params: { path: { id: s.id } } };
    try {
      if (what === 'delete') await unwrap(client.DELETE('/api/schedules/{id}', path));
      else if (what === 'pause') await unwrap(client.POST('/api/schedules/{id}/pause', path));
      else if (what === 'unpause') await unwrap(client.POST('/api/schedules/{id}/unpause', path));
      else await unwrap(client.POST('/api/schedules/{id}/trigger', path));
      setNote(`${s.id}: ${what === 'trigger' ? 'triggered; its batch appears under recent runs' : `${what}d`}.`);
      setEpoch(epoch + 1);
    } catch (err) {
      setProblem(messageOf(err));
    }
  };

  const invalid = (name: string) => (errors[name] ? { 'aria-invalid': true, 'aria-describedby': `schedule-${name}-error` } : {});
  const error = (name: string) => errors[name] && <p id={`schedule-${name}-error`} class="error" role="alert">{errors[name]}</p>;

  return (
    <section aria-labelledby="schedules-title">
      <h1 id="schedules-title">Schedules</h1>
      {problem && <p class="error" role="alert">{problem}</p>}
      {note && <p class="note" role="status">{note}</p>}
      {items === undefined ? <p>Loading…</p> : items.length === 0 ? <p>No schedules yet.</p> : (
        <ul class="cards">
          {items.map((s) => (
            <li key={s.id} class="card">
              <h2 class="mono">{s.id}</h2>
              <p>
                <span class={`badge ${s.paused ? 'cancelled' : 'completed'}`}>{s.paused ? 'paused' : 'active'}</span>{' '}
                {s.spec.cron?.length ? `cron ${s.spec.cron.join(', ')}` : `every ${s.spec.intervalSeconds?.join(', ')} s`} · {s.spec.timezone} · overlap {s.overlap}
                {s.batch && ` · ${s.batch.items.length} videos per run`}
              </p>
              <p>Next runs: {s.nextRuns.length ? s.nextRuns.slice(0, 3).map((t) => <time key={t} dateTime={t}>{fmtTime(t)} </time>) : 'none (paused)'}</p>
              {s.recentRuns.length > 0 && (
                <p>Recent runs:{' '}
                  {s.recentRuns.map((r) => (
                    <a key={r.batchId} href={`/batches/${r.batchId}`} class="mono" onClick={(e) => { rememberBatch(r.batchId, s.batch?.items.length ?? 0); onLinkClick(e); }}>{r.batchId} </a>
                  ))}
                </p>
              )}
              <p class="row">
                {s.paused
                  ? <button type="button" onClick={() => void act(s, 'unpause')}>Unpause <span class="visually-hidden">{s.id}</span></button>
                  : <button type="button" onClick={() => void act(s, 'pause')}>Pause <span class="visually-hidden">{s.id}</span></button>}
                <button type="button" onClick={() => void act(s, 'trigger')}>Run now <span class="visually-hidden">{s.id}</span></button>
                <button type="button" onClick={() => void act(s, 'delete')}>Delete <span class="visually-hidden">{s.id}</span></button>
              </p>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit} noValidate aria-labelledby="new-schedule">
        <h2 id="new-schedule">New schedule</h2>
        {errors[''] && <p class="error" role="alert">{errors['']}</p>}
        <div class="grid">
          <div class="field">
            <label for="schedule-id">Schedule id</label>
            <input id="schedule-id" value={form.id} {...invalid('id')} onInput={(e) => set('id', e.currentTarget.value)} />
            {error('id')}
          </div>
          <div class="field">
            <label for="schedule-kind">Repeat by</label>
            <select id="schedule-kind" value={form.kind} onChange={(e) => set('kind', e.currentTarget.value as Form['kind'])}>
              <option value="cron">cron expression</option>
              <option value="interval">fixed interval</option>
            </select>
          </div>
          {form.kind === 'cron' ? (
            <div class="field">
              <label for="schedule-cron">Cron (minute hour day month weekday)</label>
              <input id="schedule-cron" class="mono" value={form.cron} {...invalid('cron')} onInput={(e) => set('cron', e.currentTarget.value)} />
              {error('cron')}
            </div>
          ) : (
            <div class="field">
              <label for="schedule-intervalSeconds">Every (seconds)</label>
              <input id="schedule-intervalSeconds" type="number" min={1} value={form.intervalSeconds} {...invalid('intervalSeconds')} onInput={(e) => set('intervalSeconds', e.currentTarget.value)} />
              {error('intervalSeconds')}
            </div>
          )}
          <div class="field">
            <label for="schedule-timezone">Time zone</label>
            <input id="schedule-timezone" value={form.timezone} {...invalid('timezone')} onInput={(e) => set('timezone', e.currentTarget.value)} />
            {error('timezone')}
          </div>
          <div class="field">
            <label for="schedule-overlap">When a run is still going</label>
            <select id="schedule-overlap" value={form.overlap} onChange={(e) => set('overlap', e.currentTarget.value as Form['overlap'])}>
              <option value="skip">skip the new run</option>
              <option value="buffer_one">run it after (buffer one)</option>
              <option value="allow_all">run both</option>
            </select>
          </div>
        </div>
        <label class="inline"><input type="checkbox" checked={form.paused} onChange={(e) => set('paused', e.currentTarget.checked)} /> Start paused</label>
        <fieldset>
          <legend>The batch each run starts</legend>
          <BatchFields value={form.batch} onChange={(batch) => set('batch', batch)} errors={errors} idPrefix="schedule-batch-" />
        </fieldset>
        <button type="submit" class="primary">Create schedule</button>
      </form>
    </section>
  );
}
