import type { BatchInput } from './batch-input';

export const EMPTY_BATCH: BatchInput = { text: '', format: 'auto', defaults: '', maxConcurrent: '', stopOnError: false };

const EXAMPLE = 'script,height\n"The sea is deep. Whales sing.",320\n"Stars are far. Light is old.",320';

interface Props {
  value: BatchInput;
  onChange: (value: BatchInput) => void;
  /** Messages by field: items, defaults, maxConcurrent, stopOnError. */
  errors: Record<string, string>;
  /** Prefix of the control ids, so two forms on a page do not clash. */
  idPrefix: string;
}

/** The batch file (pasted or uploaded, CSV or JSON as `vidflow batch` reads it) and the batch's settings. */
export function BatchFields({ value, onChange, errors, idPrefix }: Props) {
  const set = <K extends keyof BatchInput>(key: K, v: BatchInput[K]) => onChange({ ...value, [key]: v });
  const id = (name: string) => `${idPrefix}${name}`;
  const invalid = (name: string) => (errors[name] ? { 'aria-invalid': true, 'aria-describedby': `${id(name)}-error` } : {});
  const error = (name: string) => errors[name] && <p id={`${id(name)}-error`} class="error" role="alert">{errors[name]}</p>;
  return (
    <>
      <div class="field">
        <label for={id('items')}>Batch file (CSV or JSON)</label>
        <textarea id={id('items')} rows={6} class="mono" placeholder={EXAMPLE} value={value.text} {...invalid('items')}
          onInput={(e) => onChange({ ...value, text: e.currentTarget.value, fileName: undefined })} />
        {error('items')}
        <p class="note">CSV: a header row with <code>topic</code>, <code>script</code>, <code>captions</code> and the <code>vidflow create</code> option names (<code>height</code>, <code>language</code>, …). JSON: an array of video requests or <code>{'{ "items": [...], "defaults": {...} }'}</code>.</p>
      </div>
      <div class="grid">
        <div class="field">
          <label for={id('file')}>Or upload a file</label>
          <input id={id('file')} type="file" accept=".csv,.json,text/csv,application/json"
            onChange={async (e) => {
              const file = e.currentTarget.files?.[0];
              if (file) onChange({ ...value, text: await file.text(), fileName: file.name });
            }} />
        </div>
        <div class="field">
          <label for={id('format')}>Format</label>
          <select id={id('format')} value={value.format} onChange={(e) => set('format', e.currentTarget.value as BatchInput['format'])}>
            <option value="auto">by file name or content</option>
            <option value="csv">CSV</option>
            <option value="json">JSON</option>
          </select>
        </div>
        <div class="field">
          <label for={id('maxConcurrent')}>Videos at once (empty: server default)</label>
          <input id={id('maxConcurrent')} type="number" min={1} value={value.maxConcurrent} {...invalid('maxConcurrent')} onInput={(e) => set('maxConcurrent', e.currentTarget.value)} />
          {error('maxConcurrent')}
        </div>
      </div>
      <div class="field">
        <label for={id('defaults')}>Defaults for every item (JSON, optional)</label>
        <textarea id={id('defaults')} rows={2} class="mono" placeholder='{"language": "en", "render": {"height": 320}}' value={value.defaults} {...invalid('defaults')} onInput={(e) => set('defaults', e.currentTarget.value)} />
        {error('defaults')}
      </div>
      <label class="inline">
        <input type="checkbox" checked={value.stopOnError} onChange={(e) => set('stopOnError', e.currentTarget.checked)} /> Stop on the first failure
      </label>
    </>
  );
}

/** The API's field paths (`batch.items.1.render.fps`) onto this form's fields; the rest are shown at the top. */
export function batchFieldOf(path: string): string {
  const p = path.replace(/^batch\./, '');
  if (p.startsWith('items')) return 'items';
  if (p.startsWith('defaults')) return 'defaults';
  if (p === 'maxConcurrent' || p === 'stopOnError') return p;
  return '';
}
