import { useState } from 'preact/hooks';
import { ApiError, client, unwrap } from '../../lib/api';
import { navigate } from '../../lib/router';
import { rememberRequest, requestOf, type Scene, type VideoRequest } from '../../lib/types';
import { MediaField } from '../../components/MediaField';
import { CaptionFields, DEFAULT_CAPTIONS, fromCaptions, toCaptions, type CaptionForm } from './CaptionFields';
import { mapFieldErrors } from './field-errors';
import { SceneEditor } from './SceneEditor';
import { VoiceField, type VoiceProvider } from './VoiceField';

type Mode = 'topic' | 'script' | 'scenes';
interface Form {
  mode: Mode;
  topic: string;
  script: string;
  scenes: Scene[];
  language: string;
  provider: VoiceProvider;
  voice: string;
  speed: string;
  aspect: '9:16' | '16:9' | '1:1';
  height: string;
  fps: string;
  captions: CaptionForm;
  background: string;
  /** The kind of the library item picked as background (a `media:<id>` has no extension to tell). */
  backgroundKind?: 'image' | 'video' | 'audio';
  music: string;
  /** Ken Burns motion (slow zoom and pan) when the background is an image. */
  motion: boolean;
  /** Cross-fade between scenes with different backgrounds, in seconds; '' for hard cuts. */
  fade: string;
  /** Stock clips or generated images per scene. */
  visuals: 'none' | 'pexels' | 'pixabay' | 'openai-images';
  /** The look of generated images (visuals openai-images). */
  visualsStyle: string;
  cache: 'use' | 'refresh' | 'bypass';
}

const EMPTY: Form = { mode: 'script', topic: '', script: '', scenes: [{ text: '' }], language: 'en', provider: 'espeak', voice: '', speed: '1', aspect: '9:16', height: '', fps: '30', captions: DEFAULT_CAPTIONS, background: '#0b1d3a', music: '', motion: false, fade: '', visuals: 'none', visualsStyle: '', cache: 'use' };
/** The request fields that have a control in this form (error messages for others go to the top). */
const CONTROLS = new Set([
  'topic', 'script', 'scenes', 'language', 'voice.name', 'voice.speed', 'render.aspect', 'render.height', 'render.fps', 'render.background',
  'render.music.source', 'render.transition.seconds', 'visuals.provider', 'visuals.style', 'cache.mode', 'render.captions.size', 'render.captions.color', 'render.captions.highlightColor',
]);
const PRESETS = 'vidflow.presets';

export function toRequest(f: Form): VideoRequest {
  const bg = f.background.trim();
  const isVideo = bg.startsWith('media:') ? f.backgroundKind === 'video' : /\.(mp4|webm|mov|mkv)$/i.test(bg);
  const background = /^#/.test(bg) || !bg ? { color: bg || '#0b1d3a' } : isVideo ? { video: bg } : { image: bg, ...(f.motion ? { motion: 'kenburns' as const } : {}) };
  return {
    ...(f.mode === 'topic' ? { topic: f.topic } : f.mode === 'script' ? { script: f.script } : { scenes: f.scenes }),
    language: f.language,
    voice: { provider: f.provider, ...(f.voice.trim() ? { name: f.voice.trim() } : {}), speed: Number(f.speed) },
    render: {
      aspect: f.aspect,
      ...(f.height ? { height: Number(f.height) } : {}),
      fps: Number(f.fps),
      captions: toCaptions(f.captions),
      background,
      ...(f.music.trim() ? { music: { source: f.music.trim() } } : {}),
      ...(f.fade.trim() ? { transition: { type: 'fade' as const, seconds: Number(f.fade) } } : {}),
    },
    ...(f.visuals !== 'none'
      ? { visuals: { provider: f.visuals, ...(f.visuals === 'openai-images' && f.visualsStyle.trim() ? { style: f.visualsStyle.trim() } : {}) } }
      : {}),
    cache: { mode: f.cache },
  };
}

export function fromRequest(r: VideoRequest): Form {
  const bg = r.render?.background;
  return {
    ...EMPTY,
    mode: r.topic !== undefined ? 'topic' : r.scenes ? 'scenes' : 'script',
    topic: r.topic ?? '',
    script: r.script ?? '',
    scenes: r.scenes?.length ? r.scenes : [{ text: '' }],
    language: r.language ?? 'en',
    provider: r.voice?.provider ?? 'espeak',
    voice: r.voice?.name ?? '',
    speed: String(r.voice?.speed ?? 1),
    aspect: r.render?.aspect ?? '9:16',
    height: r.render?.height ? String(r.render.height) : '',
    fps: String(r.render?.fps ?? 30),
    captions: fromCaptions(r.render?.captions),
    background: !bg ? '#0b1d3a' : 'color' in bg ? bg.color : 'image' in bg ? bg.image : bg.video,
    ...(bg && 'video' in bg ? { backgroundKind: 'video' as const } : bg && 'image' in bg ? { backgroundKind: 'image' as const } : {}),
    music: r.render?.music?.source ?? '',
    motion: !!bg && 'image' in bg && bg.motion === 'kenburns',
    fade: r.render?.transition?.type === 'fade' ? String(r.render.transition.seconds ?? 0.4) : '',
    visuals: r.visuals?.provider ?? 'none',
    visualsStyle: r.visuals?.style ?? '',
    cache: r.cache?.mode ?? 'use',
  };
}

/** A preset as saved, in the form's shape now (presets saved before caption styles had `captions: true|false`). */
export function presetForm(saved: Partial<Omit<Form, 'captions'>> & { captions?: CaptionForm | boolean }): Form {
  const captions = typeof saved.captions === 'boolean' ? { ...DEFAULT_CAPTIONS, enabled: saved.captions } : { ...DEFAULT_CAPTIONS, ...saved.captions };
  return { ...EMPTY, ...saved, captions };
}

function loadPresets(): Record<string, Form> {
  try {
    return JSON.parse(localStorage.getItem(PRESETS) ?? '{}') as Record<string, Form>;
  } catch {
    return {};
  }
}

export function CreatePage() {
  const from = new URLSearchParams(location.search).get('from');
  const previous = from ? requestOf(from) : undefined;
  const [form, setForm] = useState<Form>(previous ? fromRequest(previous) : EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [presets, setPresets] = useState(loadPresets);
  const [presetName, setPresetName] = useState('');
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm({ ...form, [key]: value });

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    const request = toRequest(form);
    try {
      const created = await unwrap(client.POST('/api/videos', { body: request }));
      rememberRequest(created.id, request);
      navigate(`/videos/${created.id}`);
    } catch (err) {
      if (err instanceof ApiError) {
        // Each scene's own controls too, so a scene's problem shows next to that scene.
        const sceneControls = form.mode === 'scenes' ? form.scenes.flatMap((_, i) => ['text', 'background', 'keywords'].map((f) => `scenes.${i}.${f}`)) : [];
        const mapped = mapFieldErrors(err.issues, new Set([...CONTROLS, ...sceneControls]));
        setErrors(Object.keys(mapped).length ? mapped : { '': err.message });
      } else setErrors({ '': (err as Error).message });
      setBusy(false);
    }
  };

  const field = (name: string, label: string, control: preact.JSX.Element) => (
    <div class="field">
      <label for={name}>{label}</label>
      {control}
      {errors[name] && <p id={`${name}-error`} class="error" role="alert">{errors[name]}</p>}
    </div>
  );
  const invalid = (name: string) => (errors[name] ? { 'aria-invalid': true, 'aria-describedby': `${name}-error` } : {});

  return (
    <form onSubmit={submit} noValidate aria-labelledby="create-title">
      <h1 id="create-title">Make a video</h1>
      {errors[''] && <p class="error" role="alert">{errors['']}</p>}
      <fieldset>
        <legend>Start from</legend>
        {(['topic', 'script', 'scenes'] as const).map((m) => (
          <label class="inline" key={m}>
            <input type="radio" name="mode" value={m} checked={form.mode === m} onChange={() => set('mode', m)} /> {m === 'topic' ? 'A topic' : m === 'script' ? 'A script' : 'Scenes'}
          </label>
        ))}
      </fieldset>
      {form.mode === 'topic' && field('topic', 'Topic', <input id="topic" value={form.topic} {...invalid('topic')} onInput={(e) => set('topic', e.currentTarget.value)} />)}
      {form.mode === 'script' &&
        field('script', 'Script', <textarea id="script" rows={6} value={form.script} {...invalid('script')} onInput={(e) => set('script', e.currentTarget.value)} />)}
      {form.mode === 'scenes' && (
        <>
          <SceneEditor scenes={form.scenes} errors={errors} onChange={(scenes) => set('scenes', scenes)} />
          {errors.scenes && <p class="error" role="alert">{errors.scenes}</p>}
        </>
      )}
      <fieldset class="grid">
        <legend>Voice</legend>
        {field('language', 'Language', <input id="language" value={form.language} {...invalid('language')} onInput={(e) => set('language', e.currentTarget.value)} />)}
        <VoiceField language={form.language} provider={form.provider} name={form.voice} error={errors['voice.name']} onChange={(provider, voice) => setForm({ ...form, provider, voice })} />
        {field('voice.speed', 'Speed', <input id="voice.speed" type="number" step="0.1" value={form.speed} {...invalid('voice.speed')} onInput={(e) => set('speed', e.currentTarget.value)} />)}
      </fieldset>
      <fieldset class="grid">
        <legend>Render</legend>
        {field('render.aspect', 'Aspect', (
          <select id="render.aspect" value={form.aspect} onChange={(e) => set('aspect', e.currentTarget.value as Form['aspect'])}>
            <option value="9:16">9:16 (portrait)</option>
            <option value="16:9">16:9 (landscape)</option>
            <option value="1:1">1:1 (square)</option>
          </select>
        ))}
        {field('render.height', 'Height in pixels (empty: full HD)', <input id="render.height" type="number" value={form.height} {...invalid('render.height')} onInput={(e) => set('height', e.currentTarget.value)} />)}
        {field('render.fps', 'Frames per second', <input id="render.fps" type="number" value={form.fps} {...invalid('render.fps')} onInput={(e) => set('fps', e.currentTarget.value)} />)}
        <MediaField id="render.background" label="Background: colour (#0b1d3a), image or video (URL, path or media:id)" kinds={['image', 'video']}
          value={form.background} error={errors['render.background']} onChange={(background, backgroundKind) => setForm({ ...form, background, backgroundKind })} />
        <MediaField id="render.music.source" label="Music (URL, path or media:id, optional)" kinds={['audio']}
          value={form.music} error={errors['render.music.source']} onChange={(v) => set('music', v)} />
        <label class="inline">
          <input id="render.background.motion" type="checkbox" checked={form.motion} onChange={(e) => set('motion', e.currentTarget.checked)} />
          Ken Burns motion on image backgrounds (a slow zoom and pan per scene)
        </label>
        {field('render.transition.seconds', 'Cross-fade between scenes, seconds (empty: cut)', (
          <input id="render.transition.seconds" type="number" step="0.1" min="0.1" max="2" placeholder="0.4" value={form.fade} {...invalid('render.transition.seconds')} onInput={(e) => set('fade', e.currentTarget.value)} />
        ))}
        {field('visuals.provider', 'Visual per scene', (
          <select id="visuals.provider" value={form.visuals} onChange={(e) => set('visuals', e.currentTarget.value as Form['visuals'])}>
            <option value="none">none: the background above</option>
            <option value="pexels">Pexels stock clip (PEXELS_API_KEY on the server)</option>
            <option value="pixabay">Pixabay stock clip (PIXABAY_API_KEY on the server)</option>
            <option value="openai-images">Generated image, moving (IMAGES_* or OPENAI_* on the server)</option>
          </select>
        ))}
        {form.visuals === 'openai-images' && field('visuals.style', 'Image style (optional, e.g. "watercolour illustration")', (
          <input id="visuals.style" type="text" maxLength={300} value={form.visualsStyle} {...invalid('visuals.style')} onInput={(e) => set('visualsStyle', e.currentTarget.value)} />
        ))}
        {field('cache.mode', 'Cache', (
          <select id="cache.mode" value={form.cache} onChange={(e) => set('cache', e.currentTarget.value as Form['cache'])}>
            <option value="use">use: reuse what was made before</option>
            <option value="refresh">refresh: make again and store</option>
            <option value="bypass">bypass: neither read nor write</option>
          </select>
        ))}
      </fieldset>
      <CaptionFields value={form.captions} errors={errors} onChange={(captions) => set('captions', captions)} />
      <button type="submit" class="primary" disabled={busy}>{busy ? 'Submitting…' : 'Make video'}</button>
      <fieldset class="presets">
        <legend>Presets (kept in this browser)</legend>
        <label for="preset-name">Preset name</label>
        <input id="preset-name" value={presetName} onInput={(e) => setPresetName(e.currentTarget.value)} />
        <button type="button" disabled={!presetName.trim()} onClick={() => {
          const next = { ...presets, [presetName.trim()]: form };
          localStorage.setItem(PRESETS, JSON.stringify(next));
          setPresets(next);
        }}>Save preset</button>
        {Object.keys(presets).length > 0 && (
          <>
            <label for="preset-load">Start from a preset</label>
            <select id="preset-load" value="" onChange={(e) => { const p = presets[e.currentTarget.value]; if (p) setForm(presetForm(p)); }}>
              <option value="">Choose…</option>
              {Object.keys(presets).map((name) => <option key={name} value={name}>{name}</option>)}
            </select>
          </>
        )}
      </fieldset>
    </form>
  );
}
