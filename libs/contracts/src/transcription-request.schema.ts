import { z } from 'zod';
import { CallbackUrlSchema, HttpUrlSchema } from './callback-url.schema';
import { CacheOptionsSchema, RenderOptionsSchema } from './video-request.schema';
import { TRANSCRIPT_FORMATS } from './transcription-status';

/** BCP-47-like language tag ("en", "en-GB"), as video requests take it. */
const LANGUAGE_TAG = /^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8}){0,3}$/;
/** Ids of uploads (tus) and media-library items: they become file names under DATA_DIR, so no separators or dots first. */
const STORED_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const VIDEO_ID = /^vid-[A-Za-z0-9._:-]{1,220}$/;
/** Provider model names go into an HTTP body only, but keep them printable and bounded. */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:/@+-]{0,199}$/;

export const STT_PROVIDERS = ['offline', 'openai'] as const;
export type SttProviderName = (typeof STT_PROVIDERS)[number];

/** Shortest and longest chunk a request may ask for (30 s of 16 kHz mono WAV is ~1 MB; 600 s stays under 25 MB). */
export const MAX_CHUNK_SECONDS_RANGE = { min: 5, max: 600, default: 30 } as const;

export const TranscriptionSourceSchema = z.union([
  z.strictObject({ upload: z.string().regex(STORED_ID, 'must be the id of a finished upload (/api/uploads)') }),
  z.strictObject({ media: z.string().regex(STORED_ID, 'must be the id of a media-library item (/api/media)') }),
  z.strictObject({ video: z.string().regex(VIDEO_ID, 'must be a video id such as vid-...') }),
  z.strictObject({ url: HttpUrlSchema }),
]);

export const SttProviderOptionsSchema = z.strictObject({
  name: z.enum(STT_PROVIDERS).default('offline'),
  model: z.string().regex(MODEL_NAME, 'must be 1-200 letters, digits or _.:/@+- starting with a letter or digit').optional(),
});

export const BurnInOptionsSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** The same caption options videos take (`render.captions`), so burned-in subtitles look like video captions. */
  captions: RenderOptionsSchema.shape.captions,
});

export const TranscriptionRequestSchema = z.strictObject({
  source: TranscriptionSourceSchema,
  language: z.string().regex(LANGUAGE_TAG, 'must be a language tag such as "en" or "pt-BR"').default('en'),
  provider: SttProviderOptionsSchema.default(() => SttProviderOptionsSchema.parse({})),
  maxChunkSeconds: z
    .number()
    .int()
    .min(MAX_CHUNK_SECONDS_RANGE.min)
    .max(MAX_CHUNK_SECONDS_RANGE.max)
    .default(MAX_CHUNK_SECONDS_RANGE.default),
  formats: z
    .array(z.enum(TRANSCRIPT_FORMATS))
    .min(1)
    .max(TRANSCRIPT_FORMATS.length)
    .refine((f) => new Set(f).size === f.length, 'must not repeat a format')
    .default(() => [...TRANSCRIPT_FORMATS]),
  burnIn: BurnInOptionsSchema.default(() => BurnInOptionsSchema.parse({})),
  callbackUrl: CallbackUrlSchema.optional(),
  cache: CacheOptionsSchema.default(() => CacheOptionsSchema.parse({})),
});

/** What a client sends (defaults optional). */
export type TranscriptionRequestInput = z.input<typeof TranscriptionRequestSchema>;
/** A request after validation, with every default filled in. */
export type TranscriptionRequest = z.output<typeof TranscriptionRequestSchema>;
export type TranscriptionSource = z.output<typeof TranscriptionSourceSchema>;
export type SttProviderOptions = z.output<typeof SttProviderOptionsSchema>;
export type BurnInOptions = z.output<typeof BurnInOptionsSchema>;
