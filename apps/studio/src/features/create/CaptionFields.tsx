import type { ApiSchemas } from '@vidflow/api-client';

export type CaptionOptions = NonNullable<NonNullable<ApiSchemas['VideoRequest']['render']>['captions']>;
/** The caption fields this form edits; the rest keep the preset's values. */
export interface CaptionForm {
  enabled: boolean;
  preset: NonNullable<CaptionOptions['preset']>;
  mode: '' | NonNullable<CaptionOptions['mode']>;
  position: '' | NonNullable<CaptionOptions['position']>;
  font: '' | NonNullable<CaptionOptions['font']>;
  size: string;
  color: string;
  highlightColor: string;
  uppercase: boolean;
}

export const DEFAULT_CAPTIONS: CaptionForm = { enabled: true, preset: 'bold', mode: '', position: '', font: '', size: '', color: '', highlightColor: '', uppercase: false };

const PRESETS: Array<CaptionForm['preset']> = ['bold', 'clean', 'karaoke', 'boxed'];
const FONTS: Array<CaptionForm['font']> = ['Noto Sans', 'Noto Sans Display', 'Noto Serif', 'Noto Serif Display', 'Noto Sans CJK SC', 'Noto Sans CJK JP', 'Noto Sans CJK KR', 'Noto Sans Arabic', 'Noto Sans Hebrew', 'Noto Sans Devanagari', 'Noto Sans Thai'];

/** `render.captions` of the request: only what the form sets, so unset fields take the preset's. */
export function toCaptions(c: CaptionForm): CaptionOptions {
  if (!c.enabled) return { enabled: false };
  return {
    enabled: true,
    preset: c.preset,
    ...(c.mode ? { mode: c.mode } : {}),
    ...(c.position ? { position: c.position } : {}),
    ...(c.font ? { font: c.font } : {}),
    ...(c.size.trim() ? { size: Number(c.size) } : {}),
    ...(c.color.trim() ? { color: c.color.trim() } : {}),
    ...(c.highlightColor.trim() ? { highlightColor: c.highlightColor.trim() } : {}),
    ...(c.uppercase ? { uppercase: true } : {}),
  };
}

export function fromCaptions(c: CaptionOptions | undefined): CaptionForm {
  if (!c) return DEFAULT_CAPTIONS;
  return {
    enabled: c.enabled ?? true,
    preset: c.preset ?? 'bold',
    mode: c.mode ?? '',
    position: c.position ?? '',
    font: c.font ?? '',
    size: c.size !== undefined ? String(c.size) : '',
    color: c.color ?? '',
    highlightColor: c.highlightColor ?? '',
    uppercase: c.uppercase ?? false,
  };
}

interface Props {
  value: CaptionForm;
  onChange: (value: CaptionForm) => void;
  errors: Record<string, string>;
}

/** Burned-in captions: on or off, a preset, and the preset's fields a person most often changes. */
export function CaptionFields({ value, onChange, errors }: Props) {
  const set = <K extends keyof CaptionForm>(key: K, v: CaptionForm[K]) => onChange({ ...value, [key]: v });
  const field = (name: keyof CaptionForm, label: string, control: preact.JSX.Element) => {
    const id = `render.captions.${name}`;
    return (
      <div class="field">
        <label for={id}>{label}</label>
        {control}
        {errors[id] && <p id={`${id}-error`} class="error" role="alert">{errors[id]}</p>}
      </div>
    );
  };
  const invalid = (name: keyof CaptionForm) => {
    const id = `render.captions.${name}`;
    return errors[id] ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : {};
  };
  return (
    <fieldset class="grid">
      <legend>Captions</legend>
      <label class="inline">
        <input type="checkbox" checked={value.enabled} onChange={(e) => set('enabled', e.currentTarget.checked)} /> Captions
      </label>
      {value.enabled && (
        <>
          {field('preset', 'Caption style', (
            <select id="render.captions.preset" value={value.preset} onChange={(e) => set('preset', e.currentTarget.value as CaptionForm['preset'])}>
              {PRESETS.map((p) => <option key={p} value={p}>{p}</option>)}
            </select>
          ))}
          {field('mode', 'Timing', (
            <select id="render.captions.mode" value={value.mode} onChange={(e) => set('mode', e.currentTarget.value as CaptionForm['mode'])}>
              <option value="">The style's</option>
              <option value="phrase">phrase: a line at a time</option>
              <option value="word">word: each spoken word highlighted</option>
            </select>
          ))}
          {field('position', 'Position', (
            <select id="render.captions.position" value={value.position} onChange={(e) => set('position', e.currentTarget.value as CaptionForm['position'])}>
              <option value="">The style's</option>
              <option value="bottom">bottom</option>
              <option value="middle">middle</option>
              <option value="top">top</option>
            </select>
          ))}
          {field('font', 'Font', (
            <select id="render.captions.font" value={value.font} onChange={(e) => set('font', e.currentTarget.value as CaptionForm['font'])}>
              <option value="">The style's</option>
              {FONTS.map((f) => <option key={f} value={f}>{f}</option>)}
            </select>
          ))}
          {field('size', 'Text size in pixels (empty: from the frame)', <input id="render.captions.size" type="number" value={value.size} {...invalid('size')} onInput={(e) => set('size', e.currentTarget.value)} />)}
          {field('color', 'Text colour (#ffffff)', <input id="render.captions.color" value={value.color} {...invalid('color')} onInput={(e) => set('color', e.currentTarget.value)} />)}
          {field('highlightColor', 'Highlight colour (#ffd400)', <input id="render.captions.highlightColor" value={value.highlightColor} {...invalid('highlightColor')} onInput={(e) => set('highlightColor', e.currentTarget.value)} />)}
          <label class="inline">
            <input type="checkbox" checked={value.uppercase} onChange={(e) => set('uppercase', e.currentTarget.checked)} /> Upper case
          </label>
        </>
      )}
    </fieldset>
  );
}
