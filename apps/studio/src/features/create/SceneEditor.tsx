import type { Scene } from '../../lib/types';

interface Props {
  scenes: Scene[];
  onChange: (scenes: Scene[]) => void;
  errors: Record<string, string>;
}

/** Add, remove and reorder scenes; each has its text and an optional background (colour or media). */
export function SceneEditor({ scenes, onChange, errors }: Props) {
  const update = (i: number, scene: Scene) => onChange(scenes.map((s, j) => (j === i ? scene : s)));
  const move = (i: number, by: number) => {
    const next = scenes.slice();
    const [s] = next.splice(i, 1);
    next.splice(i + by, 0, s!);
    onChange(next);
  };
  return (
    <fieldset class="scenes">
      <legend>Scenes</legend>
      <ol>
        {scenes.map((scene, i) => {
          const bg = scene.background && 'image' in scene.background ? scene.background.image : scene.background && 'video' in scene.background ? scene.background.video : '';
          const textId = `scene-${i}-text`;
          const bgId = `scene-${i}-bg`;
          const keywordsId = `scene-${i}-keywords`;
          const keywordsError = Object.entries(errors).find(([field]) => field === `scenes.${i}.keywords` || field.startsWith(`scenes.${i}.keywords.`))?.[1];
          return (
            <li key={i} class="scene">
              <label for={textId}>Scene {i + 1} text</label>
              <textarea id={textId} rows={2} value={scene.text} aria-invalid={errors[`scenes.${i}.text`] ? true : undefined}
                aria-describedby={errors[`scenes.${i}.text`] ? `${textId}-error` : undefined}
                onInput={(e) => update(i, { ...scene, text: e.currentTarget.value })} />
              {errors[`scenes.${i}.text`] && <p id={`${textId}-error`} class="error">{errors[`scenes.${i}.text`]}</p>}
              <label for={bgId}>Scene {i + 1} background image (URL, path or media:id, optional)</label>
              <input id={bgId} value={bg} aria-invalid={errors[`scenes.${i}.background`] ? true : undefined}
                onInput={(e) => {
                  const v = e.currentTarget.value.trim();
                  update(i, { ...without(scene, 'background'), ...(v ? { background: /\.(mp4|webm|mov|mkv)$/i.test(v) ? { video: v } : { image: v } } : {}) });
                }} />
              {errors[`scenes.${i}.background`] && <p class="error">{errors[`scenes.${i}.background`]}</p>}
              <label for={keywordsId}>Scene {i + 1} search words for its stock clip or image (comma-separated, optional)</label>
              {/* Read on change (blur), not on every key: the list is rewritten from what was typed, commas and all. */}
              <input id={keywordsId} value={scene.keywords?.join(', ') ?? ''} placeholder="humpback whale, ocean"
                aria-invalid={keywordsError ? true : undefined} aria-describedby={keywordsError ? `${keywordsId}-error` : undefined}
                onChange={(e) => {
                  const keywords = parseKeywords(e.currentTarget.value);
                  update(i, { ...without(scene, 'keywords'), ...(keywords.length ? { keywords } : {}) });
                }} />
              {keywordsError && <p id={`${keywordsId}-error`} class="error">{keywordsError}</p>}
              <div class="row">
                <button type="button" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`Move scene ${i + 1} up`}>Up</button>
                <button type="button" onClick={() => move(i, 1)} disabled={i === scenes.length - 1} aria-label={`Move scene ${i + 1} down`}>Down</button>
                <button type="button" onClick={() => onChange(scenes.filter((_, j) => j !== i))} disabled={scenes.length === 1} aria-label={`Remove scene ${i + 1}`}>Remove</button>
              </div>
            </li>
          );
        })}
      </ol>
      <button type="button" onClick={() => onChange([...scenes, { text: '' }])}>Add scene</button>
    </fieldset>
  );
}

/** Search words as typed ("humpback whale, ocean"): split at commas, trimmed, blanks and repeats dropped. */
export function parseKeywords(text: string): string[] {
  return [...new Set(text.split(',').map((k) => k.trim()).filter(Boolean))];
}

function without(scene: Scene, key: 'background' | 'keywords'): Scene {
  const copy = { ...scene };
  delete copy[key];
  return copy;
}
