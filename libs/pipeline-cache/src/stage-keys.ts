import { cacheKey, type CacheStage } from '@vidflow/cache';

/**
 * Per-stage versions of what each stage produces. Bump one when its output for the same inputs changes
 * (a new renderer, a new loudness target): only that stage's entries stop matching. The pipeline's
 * version includes the others, so any change invalidates whole-pipeline results too.
 */
// script 2: the OpenAI writer's scenes carry search keywords.
export const STAGE_VERSIONS = { script: 2, tts: 1, render: 1, stt: 1, image: 1 } as const;
// The last part is the pipeline key's own version: 2 since the key holds the request's media files' content.
export const PIPELINE_VERSION = `${STAGE_VERSIONS.script}.${STAGE_VERSIONS.tts}.${STAGE_VERSIONS.render}.2`;

export function stageKey(stage: CacheStage, inputs: unknown): string {
  const version = stage === 'pipeline' ? PIPELINE_VERSION : STAGE_VERSIONS[stage];
  return cacheKey({ stage, version, inputs });
}
