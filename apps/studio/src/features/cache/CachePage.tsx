import type { ApiSchemas } from '@vidflow/api-client';
import { useEffect, useState } from 'preact/hooks';
import { client, unwrap } from '../../lib/api';
import { fmtBytes, fmtPercent, messageOf } from '../../lib/format';

type Stats = ApiSchemas['CacheStats'];
type Stage = keyof Stats['byStage'];
const STAGES: Array<[Stage, string]> = [['script', 'Script'], ['tts', 'Speech'], ['render', 'Render'], ['pipeline', 'Whole video'], ['stt', 'Transcription'], ['image', 'Scene images']];

const rate = (hits: number, misses: number) => (hits + misses ? fmtPercent(hits / (hits + misses)) : '–');

/** The cache's entries, bytes and hit rate per stage; remove a stage's entries, or clean up expired ones. */
export function CachePage() {
  const [stats, setStats] = useState<Stats>();
  const [problem, setProblem] = useState<string>();
  const [note, setNote] = useState<string>();
  const load = () => unwrap(client.GET('/api/cache/stats')).then((s) => { setStats(s); setProblem(undefined); }, (e) => setProblem(messageOf(e)));
  useEffect(() => void load(), []);

  const invalidate = async (stage: Stage, label: string) => {
    try {
      const r = await unwrap(client.DELETE('/api/cache', { params: { query: { stage } } }));
      setNote(`${label}: ${r.removed} ${r.removed === 1 ? 'entry' : 'entries'} removed.`);
      await load();
    } catch (err) {
      setProblem(messageOf(err));
    }
  };
  const cleanup = async () => {
    try {
      const r = await unwrap(client.POST('/api/cache/cleanup'));
      setNote(`Clean-up: ${r.removed} expired ${r.removed === 1 ? 'entry' : 'entries'} removed, ${fmtBytes(r.bytesFreed)} freed.`);
      await load();
    } catch (err) {
      setProblem(messageOf(err));
    }
  };

  return (
    <section aria-labelledby="cache-title">
      <h1 id="cache-title">Cache</h1>
      {problem && <p class="error" role="alert">{problem}</p>}
      {note && <p class="note" role="status">{note}</p>}
      {stats && (
        <>
          <p>
            {stats.entries} entries · {fmtBytes(stats.bytes)} of {fmtBytes(stats.maxBytes)} · hit rate {rate(stats.hits, stats.misses)} ({stats.hits} hits, {stats.misses} misses)
          </p>
          <progress max={stats.maxBytes || 1} value={stats.bytes} aria-label="Cache space used" />
          <table>
            <caption>Per stage</caption>
            <thead><tr><th scope="col">Stage</th><th scope="col">Entries</th><th scope="col">Size</th><th scope="col">Hits</th><th scope="col">Misses</th><th scope="col">Hit rate</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
            <tbody>
              {STAGES.map(([stage, label]) => {
                const s = stats.byStage[stage];
                return (
                  <tr key={stage} data-stage={stage}>
                    <th scope="row">{label}</th>
                    <td>{s.entries}</td><td>{fmtBytes(s.bytes)}</td><td>{s.hits}</td><td>{s.misses}</td><td>{rate(s.hits, s.misses)}</td>
                    <td><button type="button" disabled={s.entries === 0} onClick={() => void invalidate(stage, label)}>Remove <span class="visually-hidden">{label} entries</span></button></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p class="row">
            <button type="button" onClick={() => void cleanup()}>Clean up expired entries</button>
            <button type="button" onClick={() => void load()}>Refresh</button>
          </p>
        </>
      )}
    </section>
  );
}
