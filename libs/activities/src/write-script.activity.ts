import { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes, type WriteScriptInput, type WriteScriptOutput } from '@vidflow/contracts';
import type { ActivityDeps } from './activity-deps';
import { splitScript } from './split-script';

/** Script stage: scenes as given, a script split at sentences, or a topic written up by a script writer. */
export function makeWriteScript(deps: Pick<ActivityDeps, 'scriptWriters'>) {
  return async function writeScript(input: WriteScriptInput): Promise<WriteScriptOutput> {
    if (input.scenes) return { scenes: input.scenes, provider: 'input', cacheHit: false };
    if (input.script !== undefined) {
      return { scenes: splitScript(input.script, { language: input.language }), provider: 'input', cacheHit: false };
    }
    if (input.topic === undefined) {
      throw ApplicationFailure.create({ type: ErrorTypes.BadInput, message: 'topic, script or scenes is required', nonRetryable: true });
    }
    const writer = deps.scriptWriters[input.llm.provider];
    if (!writer) {
      throw ApplicationFailure.create({
        type: ErrorTypes.BadInput,
        message: `llm.provider "${input.llm.provider}" is not configured on this worker`,
        nonRetryable: true,
      });
    }
    const scenes = await writer.write({
      topic: input.topic,
      language: input.language,
      style: input.llm.style,
      targetSeconds: input.llm.targetSeconds,
      model: input.llm.model,
    });
    return { scenes, provider: writer.name, cacheHit: false };
  };
}
