import type { ApiSchemas } from '@vidflow/api-client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, client, unwrap } from '../../lib/api';
import { fmtBytes, fmtTime, messageOf } from '../../lib/format';
import { navigate, onLinkClick } from '../../lib/router';
import { localFiles, rememberTranscription, type TranscriptionRequest } from './remembered';
import { uploadFile } from './upload';

type Item = ApiSchemas['TranscriptionList']['items'][number];
const FORMATS = ['srt', 'vtt', 'json', 'txt'] as const;

/** Upload a recording (tus, 50 MiB chunks, with progress), start its transcription; the list of transcriptions. */
export function TranscriptionsPage() {
  const [file, setFile] = useState<File>();
  const [language, setLanguage] = useState('en');
  const [formats, setFormats] = useState<Set<string>>(new Set(FORMATS));
  const [burnIn, setBurnIn] = useState(false);
  const [maxChunk, setMaxChunk] = useState('');
  const [sent, setSent] = useState<{ bytes: number; total: number }>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [items, setItems] = useState<Item[]>();
  const abort = useRef<AbortController | undefined>(undefined);

  useEffect(() => {
    unwrap(client.GET('/api/transcriptions', { params: { query: { limit: 20 } } })).then((l) => setItems(l.items), (e) => setErrors({ '': messageOf(e) }));
    return () => abort.current?.abort();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return setErrors({ file: 'choose an audio or video file to transcribe' });
    if (!formats.size) return setErrors({ formats: 'formats: choose at least one' });
    if (maxChunk.trim() && !(Number(maxChunk) > 0)) return setErrors({ maxChunkSeconds: 'maxChunkSeconds must be a number of seconds above 0' });
    setErrors({});
    setBusy(true);
    abort.current = new AbortController();
    try {
      const upload = await uploadFile(file, (bytes, total) => setSent({ bytes, total }), abort.current.signal);
      // Finished: leaving the page must not abort it any more (an abort terminates the upload on the server).
      abort.current = undefined;
      const body: TranscriptionRequest = {
        source: { upload },
        language: language.trim() || 'en',
        formats: [...formats] as TranscriptionRequest['formats'],
        ...(maxChunk.trim() ? { maxChunkSeconds: Number(maxChunk) } : {}),
        ...(burnIn ? { burnIn: { enabled: true } } : {}),
      };
      const created = await unwrap(client.POST('/api/transcriptions', { body }));
      localFiles.set(created.id, file);
      rememberTranscription(created.id, body);
      navigate(`/transcriptions/${created.id}`);
    } catch (err) {
      const field = err instanceof ApiError && err.issues[0] ? err.issues[0].field : '';
      const key = ['language', 'formats', 'maxChunkSeconds'].includes(field.replace(/\..*/, '')) ? field.replace(/\..*/, '') : field.startsWith('source') ? 'file' : '';
      setErrors({ [key]: err instanceof ApiError && err.issues.length ? err.issues.map((i) => `${i.field}: ${i.message}`).join('; ') : messageOf(err) });
      setBusy(false);
    }
  };

  const invalid = (name: string) => (errors[name] ? { 'aria-invalid': true, 'aria-describedby': `tr-${name}-error` } : {});
  const error = (name: string) => errors[name] && <p id={`tr-${name}-error`} class="error" role="alert">{errors[name]}</p>;

  return (
    <section aria-labelledby="tr-title">
      <h1 id="tr-title">Transcriptions</h1>
      <form onSubmit={submit} noValidate aria-label="New transcription">
        {error('')}
        <div class="field">
          <label for="tr-file">Audio or video file</label>
          <input id="tr-file" type="file" accept="audio/*,video/*" {...invalid('file')} onChange={(e) => setFile(e.currentTarget.files?.[0])} />
          {error('file')}
        </div>
        <div class="grid">
          <div class="field">
            <label for="tr-language">Language</label>
            <input id="tr-language" value={language} {...invalid('language')} onInput={(e) => setLanguage(e.currentTarget.value)} />
            {error('language')}
          </div>
          <div class="field">
            <label for="tr-maxChunkSeconds">Longest chunk in seconds (empty: server default)</label>
            <input id="tr-maxChunkSeconds" type="number" min={1} value={maxChunk} {...invalid('maxChunkSeconds')} onInput={(e) => setMaxChunk(e.currentTarget.value)} />
            {error('maxChunkSeconds')}
          </div>
          <fieldset aria-describedby={errors.formats ? 'tr-formats-error' : undefined}>
            <legend>Formats</legend>
            {FORMATS.map((f) => (
              <label class="inline" key={f}>
                <input type="checkbox" checked={formats.has(f)} onChange={(e) => {
                  const next = new Set(formats);
                  if (e.currentTarget.checked) next.add(f); else next.delete(f);
                  setFormats(next);
                }} /> {f}
              </label>
            ))}
            {error('formats')}
          </fieldset>
        </div>
        <label class="inline"><input type="checkbox" checked={burnIn} onChange={(e) => setBurnIn(e.currentTarget.checked)} /> Also make a copy with the subtitles burned in</label>
        {sent && (
          <div class="field">
            <label for="tr-upload">Upload {fmtBytes(sent.bytes)} of {fmtBytes(sent.total)}</label>
            <progress id="tr-upload" max={sent.total || 1} value={sent.bytes} />
          </div>
        )}
        <p class="row">
          <button type="submit" class="primary" disabled={busy}>{busy ? 'Uploading…' : 'Upload and transcribe'}</button>
          {busy && <button type="button" onClick={() => abort.current?.abort()}>Cancel upload</button>}
        </p>
      </form>
      <h2>Recent transcriptions</h2>
      {items?.length === 0 && <p>None yet.</p>}
      <ul class="library">
        {items?.map((t) => (
          <li key={t.id}>
            <a href={`/transcriptions/${t.id}`} onClick={onLinkClick} class="mono">{t.id}</a> <span class={`badge ${t.status}`}>{t.status}</span>
            {t.createdAt && <time dateTime={t.createdAt}>{fmtTime(t.createdAt)}</time>}
          </li>
        ))}
      </ul>
    </section>
  );
}
