import type { ApiSchemas } from '@vidflow/api-client';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { authHeaders, client, unwrap } from '../../lib/api';
import { readEventStream } from '../../lib/event-stream';
import { messageOf } from '../../lib/format';
import { navigate, onLinkClick } from '../../lib/router';
import { TERMINAL } from '../../lib/types';
import { localFiles, rememberTranscription, transcriptionRequestOf } from './remembered';
import { clock, parseTranscript, segmentAt, type Segment } from './transcript';

type Status = ApiSchemas['TranscriptionStatus'];
const STAGES: Record<Status['stage'], string> = { probe: 'reading the file', extract: 'extracting the audio', split: 'splitting into chunks', transcribe: 'transcribing', merge: 'merging the chunks', burn: 'burning in the subtitles', done: 'done' };
const FORMAT_NAMES: Record<string, string> = { srt: 'SRT subtitles', vtt: 'WebVTT subtitles', json: 'JSON transcript', txt: 'Plain text', video: 'MP4 with subtitles burned in' };

/** Files need the key when the server has one: a plain link cannot send it, so download through fetch then. */
async function download(e: MouseEvent, href: string, name: string) {
  if (!authHeaders().Authorization) return; // the link does it
  e.preventDefault();
  const res = await fetch(href, { headers: authHeaders() });
  if (!res.ok) throw new Error(`download answered ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** One transcription live over its event stream; then the transcript (click a line to seek), downloads, burn-in. */
export function TranscriptionPage({ id }: { id: string }) {
  const [status, setStatus] = useState<Status>();
  const [segments, setSegments] = useState<Segment[]>();
  const [problem, setProblem] = useState<string>();
  const [time, setTime] = useState(0);
  const player = useRef<HTMLVideoElement>(null);
  const local = localFiles.get(id);
  const localUrl = useMemo(() => (local ? URL.createObjectURL(local) : undefined), [local]);
  useEffect(() => () => { if (localUrl) URL.revokeObjectURL(localUrl); }, [localUrl]);

  useEffect(() => {
    const ctrl = new AbortController();
    void readEventStream<Status>({
      url: `/api/transcriptions/${encodeURIComponent(id)}/events`,
      signal: ctrl.signal,
      isTerminal: (s) => TERMINAL.has(s.status),
      onEvent: (s) => { setStatus(s); setProblem(undefined); },
      onError: (err) => setProblem(`connection: ${messageOf(err)}`),
    }).then(async () => {
      // A stream that had already ended (204) sent nothing: the status route has the final state.
      if (!ctrl.signal.aborted) setStatus(await unwrap(client.GET('/api/transcriptions/{id}', { params: { path: { id } } })));
    }).catch((err) => setProblem(messageOf(err)));
    return () => ctrl.abort();
  }, [id]);

  const jsonFile = status?.result?.files.json;
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!jsonFile) return;
    const ctrl = new AbortController();
    // A busy server can answer 5xx (its Temporal read timed out) or drop the connection: such answers are tried
    // again a few times, 1 s apart, before the page shows the problem (and its "Load the transcript again" button).
    const load = async (): Promise<unknown> => {
      for (let tries = 1; ; tries++) {
        try {
          const res = await fetch(jsonFile, { headers: { Accept: 'application/json', ...authHeaders() }, signal: ctrl.signal });
          if (res.ok) return await res.json();
          if (res.status < 500 || tries >= 4) throw new Error(`the transcript answered ${res.status}`);
        } catch (err) {
          if (ctrl.signal.aborted || (err instanceof Error && err.message.startsWith('the transcript answered')) || tries >= 4) throw err;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    };
    load().then((json) => setSegments(parseTranscript(json)), (err) => { if (!ctrl.signal.aborted) setProblem(messageOf(err)); });
    return () => ctrl.abort();
  }, [jsonFile, attempt]);

  if (!status) return <section aria-busy="true"><h1>Transcription <span class="mono">{id}</span></h1><p>{problem ?? 'Connecting…'}</p></section>;
  const done = TERMINAL.has(status.status);
  const request = transcriptionRequestOf(id);
  const video = status.result?.files.video;
  const src = video ?? localUrl;
  const playing = segments ? segmentAt(segments, time) : -1;

  // Burn-in needs a video stream: not offered for a file this tab knows to be audio only (the API refuses it).
  const burnIn = async () => {
    if (!request) return;
    try {
      const body = { ...request, burnIn: { enabled: true } };
      const created = await unwrap(client.POST('/api/transcriptions', { body }));
      if (local) localFiles.set(created.id, local);
      rememberTranscription(created.id, body);
      navigate(`/transcriptions/${created.id}`);
    } catch (err) {
      setProblem(messageOf(err));
    }
  };

  return (
    <section aria-labelledby="trn-title">
      <h1 id="trn-title">Transcription <span class="mono">{id}</span></h1>
      <p>
        <strong class={`badge ${status.status}`}>{status.status}</strong> {STAGES[status.stage]} · {Math.round(status.progress * 100)}%
        {status.chunks.total > 0 && <> · chunks <span data-chunks>{status.chunks.done}/{status.chunks.total}</span>{status.chunks.cacheHits ? ` (${status.chunks.cacheHits} from cache)` : ''}</>}
      </p>
      <progress max={1} value={status.progress} aria-label="Transcription progress" />
      {status.chunks.total > 0 && (
        <ol class="chunks" aria-label="Chunks">
          {Array.from({ length: status.chunks.total }, (_, i) => (
            <li key={i} class={i < status.chunks.done ? 'done' : ''} title={`chunk ${i + 1}`}><span class="visually-hidden">chunk {i + 1} {i < status.chunks.done ? 'done' : 'waiting'}</span></li>
          ))}
        </ol>
      )}
      {problem && <p class="note">{problem}</p>}
      {status.error && <p class="error" role="alert"><strong>Failed{status.error.stage ? ` in ${status.error.stage}` : ''}</strong> ({status.error.type}): {status.error.message}</p>}
      {status.result && (
        <>
          <p>{status.result.durationSeconds.toFixed(1)} s · language {status.result.language} · {status.result.engine}</p>
          {src ? (
            <video ref={player} controls preload="metadata" src={src} class="player" aria-label={video ? 'The video with subtitles burned in' : 'The uploaded file'}
              onTimeUpdate={(e) => setTime(e.currentTarget.currentTime)} />
          ) : <p class="note">The uploaded file is not in this tab any more; burn in the subtitles to get a copy that plays here.</p>}
          <h2>Downloads</h2>
          <ul class="row downloads">
            {Object.entries(status.result.files).map(([format, href]) => (
              <li key={format}>
                <a href={href} download onClick={(e) => void download(e, href, format === 'video' ? `${id}.mp4` : `${id}.${format}`).catch((err) => setProblem(messageOf(err)))}>{FORMAT_NAMES[format] ?? format}</a>
              </li>
            ))}
          </ul>
          {!video && request && !local?.type.startsWith('audio/') && <p><button type="button" onClick={() => void burnIn()}>Burn in the subtitles</button></p>}
          {segments && (
            <>
              <h2>Transcript</h2>
              {segments.length === 0 ? <p>No speech found.</p> : (
                <ol class="transcript">
                  {segments.map((s, i) => (
                    <li key={i} aria-current={i === playing ? 'true' : undefined}>
                      <button type="button" class="line" disabled={!src} onClick={() => {
                        if (!player.current) return;
                        player.current.currentTime = s.start;
                        setTime(s.start);
                        void player.current.play().catch(() => undefined);
                      }}>
                        <time>{clock(s.start)}</time> {s.text}
                      </button>
                    </li>
                  ))}
                </ol>
              )}
            </>
          )}
        </>
      )}
      {jsonFile && !segments && <p><button type="button" onClick={() => setAttempt(attempt + 1)}>Load the transcript again</button></p>}
      <p class="row">
        {!done && <button type="button" onClick={() => void unwrap(client.DELETE('/api/transcriptions/{id}', { params: { path: { id } } })).catch((e) => setProblem(messageOf(e)))}>Cancel</button>}
        <a href="/transcriptions" onClick={onLinkClick}>All transcriptions</a>
      </p>
    </section>
  );
}
