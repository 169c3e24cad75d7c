import type { ApiSchemas } from '@vidflow/api-client';
import { useEffect, useState } from 'preact/hooks';
import { client, unwrap } from '../../lib/api';
import { fmtBytes, messageOf } from '../../lib/format';

// The route's own answer type (its machine.load is a plain array there).
const getSystem = () => unwrap(client.GET('/api/system'));
type System = Awaited<ReturnType<typeof getSystem>>;
type Health = ApiSchemas['Health'];

const duration = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`);

/** The API's and the workers' state: GET /api/system (task queues, Temporal) and /health/ready (each dependency). */
export function SystemPage() {
  const [system, setSystem] = useState<System>();
  const [health, setHealth] = useState<Health>();
  const [problem, setProblem] = useState<string>();
  const load = () => {
    getSystem().then(setSystem, (e) => setProblem(messageOf(e)));
    // 503 carries the same body with the failing dependencies: show it, it is the answer.
    void client.GET('/health/ready').then(({ data, error }) => setHealth((data ?? error) as Health), (e) => setProblem(messageOf(e)));
  };
  useEffect(load, []);

  const queues = Object.entries(system?.taskQueues ?? {});
  return (
    <section aria-labelledby="system-title">
      <h1 id="system-title">System</h1>
      {problem && <p class="error" role="alert">{problem}</p>}
      {health && (
        <>
          <h2>Health: <span class={`badge ${health.status === 'ok' ? 'completed' : 'failed'}`}>{health.status}</span></h2>
          <ul class="library">
            {Object.entries(health.details).map(([name, d]) => (
              <li key={name}><strong>{name}</strong> <span class={`badge ${d.status === 'up' ? 'completed' : 'failed'}`}>{d.status}</span> {typeof d.message === 'string' ? d.message : ''}</li>
            ))}
          </ul>
        </>
      )}
      {system && (
        <>
          <h2>Temporal</h2>
          <p>
            <span class={`badge ${system.temporal.reachable ? 'completed' : 'failed'}`}>{system.temporal.reachable ? 'reachable' : 'unreachable'}</span>{' '}
            <span class="mono">{system.temporal.address}</span> · namespace {system.temporal.namespace}
            {system.temporal.serverVersion && ` · server ${system.temporal.serverVersion}`}
            {system.temporal.error && <span class="error"> · {system.temporal.error}</span>}
          </p>
          <p><a href={`${system.temporal.uiUrl}/namespaces/${encodeURIComponent(system.temporal.namespace)}/workflows`} target="_blank" rel="noopener">Open the Temporal UI</a></p>
          <table>
            <caption>Task queues (workers polling and waiting tasks)</caption>
            <thead><tr><th scope="col">Queue</th><th scope="col">Roles</th><th scope="col">Pollers</th><th scope="col">Backlog</th><th scope="col">Oldest waiting</th></tr></thead>
            <tbody>
              {queues.map(([name, q]) => (
                <tr key={name} data-queue={name}>
                  <th scope="row" class="mono">{name}</th><td>{q.roles.join(', ')}</td><td>{q.pollers}</td><td>{q.backlog}</td><td>{q.backlog ? duration(q.backlogAgeSeconds) : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {system.taskQueues === null && <p class="note">Task queues unknown: Temporal did not answer.</p>}
          <h2>API and machine</h2>
          <dl class="facts">
            <dt>Version</dt><dd>{system.version} (Node {system.node})</dd>
            <dt>API process</dt><dd>pid {system.api.pid} · {fmtBytes(system.api.rssBytes)} resident · up {duration(system.api.uptimeSeconds)}</dd>
            <dt>Machine</dt><dd>{system.machine.cores} cores · {fmtBytes(system.machine.freeMemoryBytes)} free of {fmtBytes(system.machine.memoryBytes)} · load {system.machine.load.map((l) => l.toFixed(2)).join(' ')}</dd>
            <dt>Worker slots</dt><dd>{system.tuner.kind} · io {system.tuner.slots.io} · render {system.tuner.slots.render} · stt {system.tuner.slots.stt} · workflow {system.tuner.slots.workflow}</dd>
            <dt>Uploads</dt><dd>up to {fmtBytes(system.limits.uploadMaxBytes)} in {fmtBytes(system.limits.uploadChunkBytes)} chunks</dd>
          </dl>
        </>
      )}
      <button type="button" onClick={load}>Refresh</button>
    </section>
  );
}
