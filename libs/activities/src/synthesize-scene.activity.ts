import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes, type SceneAudio, type SynthesizeSceneInput } from '@vidflow/contracts';
import { buildSpeechNormalizeArgs } from '@vidflow/media';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActivityDeps } from './activity-deps';
import { toFailure } from './failures';

/**
 * Speech stage, one scene: synthesise, loudness-normalise to 48 kHz mono, measure the duration (captions
 * and the render are timed from it) and move the file into the artifact store atomically.
 */
export function makeSynthesizeScene(deps: Pick<ActivityDeps, 'store' | 'ffmpeg' | 'speech'>) {
  return async function synthesizeScene(input: SynthesizeSceneInput): Promise<SceneAudio> {
    const provider = deps.speech[input.voice.provider];
    if (!provider) {
      throw ApplicationFailure.create({
        type: ErrorTypes.BadInput,
        message: `voice.provider "${input.voice.provider}" is not configured on this worker`,
        nonRetryable: true,
      });
    }
    const { cancellationSignal } = Context.current();
    const scratch = await deps.store.scratchDir(input.videoId, `tts-${input.index}`);
    try {
      const raw = join(scratch, 'speech-raw');
      await provider.synthesize({ text: input.text, language: input.language, voice: input.voice, output: raw, signal: cancellationSignal });
      const normalized = join(scratch, 'speech.wav');
      await deps.ffmpeg.run(buildSpeechNormalizeArgs({ input: raw, output: normalized }), { signal: cancellationSignal });
      const probe = await deps.ffmpeg.probe(normalized);
      const audioPath = deps.store.sceneAudio(input.videoId, input.index);
      await deps.store.commit(normalized, audioPath);
      return { index: input.index, audioPath, durationSeconds: probe.durationSeconds, cacheHit: false };
    } catch (err) {
      throw toFailure(err);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  };
}
