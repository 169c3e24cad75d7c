import { Context } from '@temporalio/activity';
import type { SceneAudio, SpokenWord, SynthesizeSceneInput } from '@vidflow/contracts';
import { buildSpeechNormalizeArgs } from '@vidflow/media';
import { join } from 'node:path';
import type { ActivityDeps } from '../activity-deps';
import { toFailure } from './failures';
import { providerFor } from './provider-for';
import { StageCache, stageKey } from './stage-cache';

/**
 * Speech stage, one scene: synthesise, loudness-normalise to 48 kHz mono, measure the duration (captions
 * and the render are timed from it) and move the file into the artifact store atomically. Cached per
 * scene by text, language, voice and engine, so editing one scene re-synthesises only that scene.
 */
export function makeSynthesizeScene(deps: Pick<ActivityDeps, 'store' | 'ffmpeg' | 'speech' | 'cache'>) {
  const cache = new StageCache(deps.cache);
  return async function synthesizeScene(input: SynthesizeSceneInput): Promise<SceneAudio> {
    const provider = providerFor({ providers: deps.speech, name: input.voice.provider, field: 'voice.provider' });
    const audioPath = deps.store.sceneAudio(input.videoId, input.index);
    const key = stageKey('tts', { text: input.text, language: input.language, voice: input.voice, engine: provider.identity });
    const hit = await cache.read<{ durationSeconds: number; words?: SpokenWord[] }>('tts', key, input.cache);
    if (hit?.files.audio) {
      try {
        await deps.store.placeCachedFile(hit.files.audio, audioPath);
        return { index: input.index, audioPath, durationSeconds: hit.value.durationSeconds, ...(hit.value.words ? { words: hit.value.words } : {}), cacheHit: true };
      } catch {
        // Evicted between lookup and link: synthesise as on a miss.
      }
    }
    const { cancellationSignal } = Context.current();
    const scratch = await deps.store.scratchDir(input.videoId, `tts-${input.index}`);
    try {
      const raw = join(scratch, 'speech-raw');
      const spoken = await provider.synthesize({ text: input.text, language: input.language, voice: input.voice, output: raw, signal: cancellationSignal });
      const normalized = join(scratch, 'speech.wav');
      await deps.ffmpeg.run(buildSpeechNormalizeArgs({ input: raw, output: normalized }), { signal: cancellationSignal });
      const probe = await deps.ffmpeg.probe(normalized);
      // Cached before the move (the cache links or copies the file in), so the entry never points at a moved file.
      const words = spoken?.words?.length ? spoken.words : undefined;
      await cache.write('tts', key, input.cache, { durationSeconds: probe.durationSeconds, ...(words ? { words } : {}) }, { audio: normalized });
      await deps.store.commit(normalized, audioPath);
      return { index: input.index, audioPath, durationSeconds: probe.durationSeconds, ...(words ? { words } : {}), cacheHit: false };
    } catch (err) {
      throw toFailure(err);
    } finally {
      await deps.store.removeScratch(scratch);
    }
  };
}
