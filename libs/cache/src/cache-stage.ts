/**
 * The pipeline stages whose results are cached. `pipeline` holds the whole result of one request; `stt` one chunk's
 * transcript; `image` one scene's generated image (visuals provider openai-images).
 */
export const CACHE_STAGES = ['script', 'tts', 'render', 'pipeline', 'stt', 'image'] as const;

export type CacheStage = (typeof CACHE_STAGES)[number];

export function isCacheStage(value: unknown): value is CacheStage {
  return typeof value === 'string' && (CACHE_STAGES as readonly string[]).includes(value);
}
