import { Context, log } from '@temporalio/activity';
import type { SceneAudio, SpokenWord, SynthesizeSceneInput } from '@vidflow/contracts';
import { buildAudioExtractArgs, buildSpeechNormalizeArgs } from '@vidflow/media';
import { join } from 'node:path';
import type { ActivityDeps } from '../activity-deps';
import { toFailure } from './failures';
import { providerFor } from './provider-for';
import { StageCache, stageKey } from './stage-cache';

interface CachedSpeech {
  durationSeconds: number;
  words?: SpokenWord[];
  wordSource?: SceneAudio['wordSource'];
}

/**
 * Speech stage, one scene: synthesise, loudness-normalise to 48 kHz mono, measure the duration (captions
 * and the render are timed from it) and move the file into the artifact store atomically. Cached per
 * scene by text, language, voice and engine, so editing one scene re-synthesises only that scene.
 *
 * When the captions need word times (`wordTimes`) and the engine reported none, the scene's text is aligned to
 * the normalised audio (`deps.aligner`, English only). An aligned scene is cached under a key of its own (the
 * aligner's identity is part of it), so a scene cached without words is never served when words are wanted.
 * Alignment is best effort: a failure is logged, and the captions estimate the times as without it.
 */
export function makeSynthesizeScene(deps: Pick<ActivityDeps, 'store' | 'ffmpeg' | 'speech' | 'cache' | 'aligner'>) {
  const cache = new StageCache(deps.cache);
  return async function synthesizeScene(input: SynthesizeSceneInput): Promise<SceneAudio> {
    const provider = providerFor({ providers: deps.speech, name: input.voice.provider, field: 'voice.provider' });
    const audioPath = deps.store.sceneAudio(input.videoId, input.index);
    const aligner = input.wordTimes && deps.aligner && !deps.aligner.languageProblem(input.language) ? deps.aligner : undefined;
    const key = stageKey('tts', {
      text: input.text,
      language: input.language,
      voice: input.voice,
      engine: provider.identity,
      ...(aligner ? { alignment: aligner.identity } : {}),
    });
    const hit = await cache.read<CachedSpeech>('tts', key, input.cache);
    if (hit?.files.audio) {
      try {
        await deps.store.placeCachedFile(hit.files.audio, audioPath);
        return { index: input.index, audioPath, durationSeconds: hit.value.durationSeconds, ...timedWords(hit.value), cacheHit: true };
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
      let speech: CachedSpeech = { durationSeconds: probe.durationSeconds, ...(spoken?.words?.length ? { words: spoken.words } : {}) };
      if (aligner && !speech.words) {
        // Aligned on the normalised file: the times are those of the audio the video plays.
        try {
          const wav = join(scratch, 'align.wav');
          await deps.ffmpeg.run(buildAudioExtractArgs({ input: normalized, output: wav }), { signal: cancellationSignal });
          const words = await aligner.align({
            audioPath: wav,
            text: input.text,
            language: input.language,
            durationSeconds: probe.durationSeconds,
            scratchDir: scratch,
            signal: cancellationSignal,
          });
          speech = { ...speech, words, wordSource: 'alignment' };
        } catch (err) {
          if (cancellationSignal.aborted) throw err;
          log.warn('word alignment failed; the captions estimate the word times', { videoId: input.videoId, scene: input.index, error: (err as Error).message });
        }
      }
      // Cached before the move (the cache links or copies the file in), so the entry never points at a moved file.
      await cache.write('tts', key, input.cache, speech, { audio: normalized });
      await deps.store.commit(normalized, audioPath);
      return { index: input.index, audioPath, durationSeconds: speech.durationSeconds, ...timedWords(speech), cacheHit: false };
    } catch (err) {
      throw toFailure(err);
    } finally {
      await deps.store.removeScratch(scratch);
    }
  };
}

function timedWords(speech: CachedSpeech): Pick<SceneAudio, 'words' | 'wordSource'> {
  return speech.words ? { words: speech.words, ...(speech.wordSource ? { wordSource: speech.wordSource } : {}) } : {};
}
