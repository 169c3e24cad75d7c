import { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes, type Scene, type WriteScriptInput, type WriteScriptOutput } from '@vidflow/contracts';
import type { ActivityDeps } from '../activity-deps';
import { toFailure } from './failures';
import { providerFor } from './provider-for';
import { splitScript } from './split-script';
import { StageCache, stageKey } from './stage-cache';

/**
 * Script stage: scenes as given, a script split at sentences, or a topic written up by a script writer.
 * Written scripts are cached by topic, language, writer, model, style and length: an LLM call is the
 * slowest and most expensive step to repeat.
 */
export function makeWriteScript(deps: Pick<ActivityDeps, 'scriptWriters' | 'cache'>) {
  const cache = new StageCache(deps.cache);
  return async function writeScript(input: WriteScriptInput): Promise<WriteScriptOutput> {
    if (input.scenes) return { scenes: input.scenes, provider: 'input', cacheHit: false };
    if (input.script !== undefined) {
      return { scenes: splitScript(input.script, { language: input.language }), provider: 'input', cacheHit: false };
    }
    if (input.topic === undefined) {
      throw ApplicationFailure.create({ type: ErrorTypes.BadInput, message: 'topic, script or scenes is required', nonRetryable: true });
    }
    const writer = providerFor({ providers: deps.scriptWriters, name: input.llm.provider, field: 'llm.provider' });
    const key = stageKey('script', {
      topic: input.topic,
      language: input.language,
      writer: writer.name,
      model: input.llm.model ?? null,
      style: input.llm.style ?? null,
      targetSeconds: input.llm.targetSeconds,
    });
    const hit = await cache.read<{ scenes: Scene[] }>('script', key, input.cache);
    if (hit) return { scenes: hit.value.scenes, provider: writer.name, cacheHit: true };
    let scenes;
    try {
      scenes = await writer.write({
        topic: input.topic,
        language: input.language,
        style: input.llm.style,
        targetSeconds: input.llm.targetSeconds,
        model: input.llm.model,
      });
    } catch (err) {
      // The writer decided whether its error is worth a retry; toFailure carries that (and Retry-After) to Temporal.
      throw toFailure(err);
    }
    await cache.write('script', key, input.cache, { scenes });
    return { scenes, provider: writer.name, cacheHit: false };
  };
}
