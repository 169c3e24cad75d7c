import { useEffect, useState } from 'preact/hooks';
import { client, unwrap } from '../../lib/api';
import { readEventStream } from '../../lib/event-stream';
import { navigate, onLinkClick } from '../../lib/router';
import { requestOf, TERMINAL, type VideoStatus } from '../../lib/types';
import { useAuthedSrc } from '../../lib/authed-src';

const fmtBytes = (b: number) => (b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e3).toFixed(0)} KB`);
const fmtSeconds = (s?: number) => (s === undefined ? '–' : `${s.toFixed(s < 10 ? 2 : 1)} s`);

/** Follows one video live over its event stream (also after a reload: the id is in the URL) and shows the result. */
export function VideoPage({ id }: { id: string }) {
  const [status, setStatus] = useState<VideoStatus>();
  const [problem, setProblem] = useState<string>();
  const [now, setNow] = useState(Date.now());
  const [config, setConfig] = useState<{ temporalUiUrl?: string; temporalNamespace?: string }>({});
  const file = useAuthedSrc(status?.result?.file);
  const poster = useAuthedSrc(status?.result?.thumbnail);

  useEffect(() => {
    const ctrl = new AbortController();
    setStatus(undefined);
    void readEventStream<VideoStatus>({
      url: `/api/videos/${encodeURIComponent(id)}/events`,
      signal: ctrl.signal,
      isTerminal: (s) => TERMINAL.has(s.status),
      onEvent: (s) => {
        setStatus(s);
        setProblem(undefined);
      },
      onError: (err) => setProblem(`connection: ${(err as Error).message}; reconnecting`),
    });
    void unwrap(client.GET('/api/studio/config')).then(setConfig, () => undefined);
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      ctrl.abort();
      clearInterval(timer);
    };
  }, [id]);

  if (!status) return <section aria-busy="true"><h1>Video {id}</h1><p>{problem ?? 'Connecting…'}</p></section>;
  const { stages } = status;
  const done = TERMINAL.has(status.status);
  const elapsed = ((done ? Date.parse(status.updatedAt) : now) - Date.parse(status.createdAt)) / 1000;
  const ttsFromCache = stages.tts.total > 0 && stages.tts.cacheHits > 0 ? `${stages.tts.cacheHits} of ${stages.tts.total} scenes from cache` : undefined;
  const request = requestOf(id);

  return (
    <section aria-labelledby="video-title">
      <h1 id="video-title">Video <span class="mono">{id}</span></h1>
      <p>
        <strong class={`badge ${status.status}`}>{status.status}</strong> stage {status.stage} · {Math.round(status.progress * 100)}% · {elapsed.toFixed(0)} s
        {status.cacheHit && ' · whole video from cache'}
      </p>
      <progress max={1} value={status.progress} aria-label="Overall progress" />
      <table class="stages">
        <caption>Stages</caption>
        <thead><tr><th scope="col">Stage</th><th scope="col">Status</th><th scope="col">Detail</th><th scope="col">Time</th></tr></thead>
        <tbody>
          <tr><th scope="row">Script</th><td>{stages.script.status}</td><td>{stages.script.cacheHit ? 'from cache' : ''}</td><td>{fmtSeconds(stages.script.seconds)}</td></tr>
          <tr><th scope="row">Speech</th><td>{stages.tts.status}</td><td>{stages.tts.done} of {stages.tts.total} scenes spoken{ttsFromCache ? ` · ${ttsFromCache}` : ''}</td><td>{fmtSeconds(stages.tts.seconds)}</td></tr>
          <tr><th scope="row">Render</th><td>{stages.render.status}</td><td>{Math.round(stages.render.progress * 100)}%{stages.render.attempt > 1 ? ` · attempt ${stages.render.attempt}` : ''}{stages.render.cacheHit ? ' · from cache' : ''}</td><td>{fmtSeconds(stages.render.seconds)}</td></tr>
        </tbody>
      </table>
      {ttsFromCache && <p class="note">{ttsFromCache}</p>}
      {status.scenes?.some((s) => s.visual) && (
        <details class="visuals" open>
          <summary>Scene visuals</summary>
          <ol start={0}>
            {status.scenes.map((s) => (
              <li key={s.index}>
                {!s.visual ? '—' : s.visual.source === 'background'
                  ? <>background ({s.visual.reason})</>
                  : s.visual.source === 'openai-images'
                    ? <>image by {s.visual.model}: <q>{s.visual.revisedPrompt ?? s.visual.prompt}</q></>
                    : <>{s.visual.source} clip for “{s.visual.query}” by {s.visual.author}: <a href={s.visual.pageUrl} target="_blank" rel="noopener">source</a> · {s.visual.licence}</>}
              </li>
            ))}
          </ol>
        </details>
      )}
      {problem && <p class="note">{problem}</p>}
      {status.error && (
        <div class="error" role="alert">
          <p><strong>Failed{status.error.stage ? ` in ${status.error.stage}` : ''}</strong> ({status.error.type}): {status.error.message}</p>
        </div>
      )}
      {status.result && (
        <div class="result">
          <video controls preload="metadata" src={file} poster={poster} width={status.result.width} height={status.result.height} aria-label="The finished video" />
          <p>
            <a href={file ?? status.result.file} download={`${id}.mp4`}>Download MP4</a> · {fmtBytes(status.result.bytes)} · {status.result.durationSeconds.toFixed(1)} s ·{' '}
            {status.result.width}×{status.result.height}
          </p>
        </div>
      )}
      <p class="row">
        {config.temporalUiUrl && <a href={`${config.temporalUiUrl}/namespaces/${config.temporalNamespace ?? 'default'}/workflows/${id}`} target="_blank" rel="noopener">Open the run in the Temporal UI</a>}
        {request && (
          <button type="button" onClick={() => navigate(`/?from=${encodeURIComponent(id)}`)}>{status.status === 'failed' ? 'Edit and retry' : 'Edit and make again'}</button>
        )}
        {!done && (
          <button type="button" onClick={() => void unwrap(client.DELETE('/api/videos/{id}', { params: { path: { id } } })).catch((e: Error) => setProblem(e.message))}>Cancel</button>
        )}
        {done && (
          <button type="button" onClick={() => {
            if (!confirm(`Delete video ${id}? Its file and its run are removed for good.`)) return;
            void unwrap(client.DELETE('/api/videos/{id}', { params: { path: { id }, query: { purge: 'true' } } })).then(() => navigate('/library'), (e: Error) => setProblem(e.message));
          }}>Delete</button>
        )}
        <a href="/library" onClick={onLinkClick}>All videos</a>
      </p>
    </section>
  );
}
