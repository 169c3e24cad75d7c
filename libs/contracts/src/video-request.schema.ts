import { CallbackUrlSchema } from './callback-url.schema';
import { z } from 'zod';

/** `#rgb` or `#rrggbb`. Only hex is accepted: colours end up inside an ffmpeg filter graph. */
export const HEX_COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
/** BCP-47-like language tag ("en", "en-GB", "zh-Hans-CN"). */
const LANGUAGE_TAG = /^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8}){0,3}$/;
/** Voice names are passed to espeak-ng, flite, festival or OpenAI as one argument; keep them boring (and never "-x"). */
const VOICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_+.-]{0,63}$/;

const mediaRef = z
  .string()
  .min(1)
  .max(2048)
  .describe('An http(s) URL, or a path relative to MEDIA_DIR');

export const BackgroundSchema = z.union([
  z.strictObject({ color: z.string().regex(HEX_COLOR, 'must be a hex colour such as #0b1d3a') }),
  z.strictObject({
    image: mediaRef,
    /** kenburns: a slow zoom and pan over the scene (direction varied per scene); none: the image held still. */
    motion: z.enum(['none', 'kenburns']).optional(),
  }),
  z.strictObject({ video: mediaRef }),
]);

export const SceneInputSchema = z.strictObject({
  text: z.string().trim().min(1).max(5000),
  background: BackgroundSchema.optional(),
  /** Search terms for this scene's stock visual (`visuals`), best first; without them the scene's content words are used. */
  keywords: z.array(z.string().trim().min(1).max(60)).min(1).max(5).optional(),
});

/**
 * A visual per scene (`visuals.provider`) for each scene without its own background. Stock (`pexels`, `pixabay`):
 * the first clip found for the scene's search terms (its `keywords`, else its content words, then the topic), else
 * the request's background. `openai-images`: an image generated from the scene's text (and keywords) in `style`,
 * shown with `motion` (default a Ken Burns move). The status says what each scene used.
 */
export const VisualsSchema = z
  .strictObject({
    provider: z.enum(['none', 'pexels', 'pixabay', 'openai-images']).default('none'),
    /** openai-images: the look every scene's image shares ("watercolour", "isometric 3D render"); part of each prompt. */
    style: z.string().trim().min(1).max(300).optional(),
    /** openai-images: how each generated image moves (as `render.background.motion`); default `kenburns`. */
    motion: z.enum(['none', 'kenburns']).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.provider === 'openai-images') return;
    for (const key of ['style', 'motion'] as const) {
      if (value[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `only with provider "openai-images" (stock clips are used as found)` });
    }
  });

export const LlmOptionsSchema = z.strictObject({
  provider: z.enum(['offline', 'openai']).default('offline'),
  model: z.string().min(1).max(200).optional(),
  style: z.string().max(500).optional(),
  targetSeconds: z.number().int().min(5).max(600).default(60),
});

export const VoiceOptionsSchema = z.strictObject({
  provider: z.enum(['espeak', 'flite', 'festival', 'openai']).default('espeak'),
  name: z.string().regex(VOICE_NAME, 'must be 1-64 letters, digits or _+.- starting with a letter or digit').optional(),
  speed: z.number().min(0.5).max(2).default(1),
});

export const MusicSchema = z.strictObject({
  source: mediaRef,
  volume: z.number().min(0).max(1).default(0.15),
  duck: z.boolean().default(true),
});

/**
 * Font families of the installed Noto fonts the caption renderer may be asked for. A closed list: the name
 * reaches libass, and a family that is not installed would silently fall back to another face.
 */
export const CAPTION_FONTS = [
  'Noto Sans',
  'Noto Sans Display',
  'Noto Serif',
  'Noto Serif Display',
  'Noto Sans CJK SC',
  'Noto Sans CJK TC',
  'Noto Sans CJK JP',
  'Noto Sans CJK KR',
  'Noto Sans Arabic',
  'Noto Naskh Arabic',
  'Noto Sans Hebrew',
  'Noto Sans Devanagari',
  'Noto Sans Thai',
] as const;

const captionColor = z.string().regex(HEX_COLOR, 'must be a hex colour such as #ffd400');

/**
 * Caption options (`render.captions`): a preset by name, and any field of it overridden. Unset fields take
 * the preset's value (sizes are then derived from the frame); see `resolveCaptionStyle` in libs/media.
 */
export const CaptionOptionsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  preset: z.enum(['clean', 'bold', 'karaoke', 'boxed']).default('bold'),
  /** phrase: a cue's text at once; word: the spoken word drawn in highlightColor while its line stays. */
  mode: z.enum(['phrase', 'word']).optional(),
  font: z.enum(CAPTION_FONTS).optional(),
  /** Font size in pixels of the output frame. */
  size: z.number().int().min(8).max(400).optional(),
  color: captionColor.optional(),
  highlightColor: captionColor.optional(),
  outlineColor: captionColor.optional(),
  /** Outline thickness in pixels (0 for none). */
  outlineWidth: z.number().min(0).max(40).optional(),
  /** Drop-shadow distance in pixels (0 for none). */
  shadow: z.number().min(0).max(40).optional(),
  /** An opaque box behind the text instead of an outline. */
  box: z.boolean().optional(),
  boxColor: captionColor.optional(),
  position: z.enum(['bottom', 'middle', 'top']).optional(),
  /** Distance from the frame's edge (top or bottom) in pixels. */
  margin: z.number().int().min(0).max(2000).optional(),
  maxWordsPerLine: z.number().int().min(1).max(20).optional(),
  /** Lines shown at once (a cue). */
  lines: z.number().int().min(1).max(4).optional(),
  uppercase: z.boolean().optional(),
});

/** How one scene's background gives way to the next (render.transition). */
export const TransitionSchema = z.strictObject({
  type: z.enum(['none', 'fade']).default('fade'),
  /** The cross-fade's length; it starts where the next scene starts. */
  seconds: z.number().min(0.1).max(2).default(0.4),
});

export const RenderOptionsSchema = z.strictObject({
  aspect: z.enum(['9:16', '16:9', '1:1']).default('9:16'),
  height: z.number().int().min(240).max(2160).optional(),
  fps: z.number().int().min(1).max(60).default(30),
  captions: CaptionOptionsSchema.default(() => CaptionOptionsSchema.parse({})),
  background: BackgroundSchema.default(() => ({ color: '#0b1d3a' })),
  music: MusicSchema.optional(),
  /** Between scenes with different backgrounds; absent: hard cuts (as `{ type: "none" }`). */
  transition: TransitionSchema.optional(),
});

export const CacheOptionsSchema = z.strictObject({
  mode: z.enum(['use', 'refresh', 'bypass']).default('use'),
  ttlSeconds: z
    .number()
    .int()
    .min(1)
    .max(10 * 365 * 24 * 3600)
    .optional(),
});

export const VideoRequestSchema = z
  .strictObject({
    topic: z.string().trim().min(1).max(500).optional(),
    script: z.string().trim().min(1).max(20000).optional(),
    scenes: z.array(SceneInputSchema).min(1).max(100).optional(),
    language: z.string().regex(LANGUAGE_TAG, 'must be a language tag such as "en" or "pt-BR"').default('en'),
    llm: LlmOptionsSchema.default(() => LlmOptionsSchema.parse({})),
    voice: VoiceOptionsSchema.default(() => VoiceOptionsSchema.parse({})),
    render: RenderOptionsSchema.default(() => RenderOptionsSchema.parse({})),
    cache: CacheOptionsSchema.default(() => CacheOptionsSchema.parse({})),
    /** Stock visuals per scene; absent (or provider "none"): every scene shows its own or the request's background. */
    visuals: VisualsSchema.optional(),
    /** Where the completion webhook goes (API.md "Webhooks"); not part of what the video is, so no cache key holds it. */
    callbackUrl: CallbackUrlSchema.optional(),
  })
  .superRefine((value, ctx) => {
    const given = (['topic', 'script', 'scenes'] as const).filter((k) => value[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: given.length === 0 ? ['topic'] : [given[1]],
        message:
          given.length === 0
            ? 'exactly one of topic, script or scenes is required'
            : `exactly one of topic, script or scenes is allowed, got ${given.join(' and ')}`,
      });
    }
  });

/** What a client sends (defaults optional). */
export type VideoRequestInput = z.input<typeof VideoRequestSchema>;
/** A request after validation, with every default filled in. */
export type VideoRequest = z.output<typeof VideoRequestSchema>;
export type Background = z.output<typeof BackgroundSchema>;
export type SceneInput = z.output<typeof SceneInputSchema>;
export type RenderOptions = z.output<typeof RenderOptionsSchema>;
export type VoiceOptions = z.output<typeof VoiceOptionsSchema>;
export type LlmOptions = z.output<typeof LlmOptionsSchema>;
export type CaptionOptions = z.output<typeof CaptionOptionsSchema>;
export type MusicOptions = z.output<typeof MusicSchema>;
