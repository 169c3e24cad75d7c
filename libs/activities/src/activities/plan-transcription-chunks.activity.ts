import { Context } from '@temporalio/activity';
import type { PlanTranscriptionChunksInput, TranscriptionChunkPlan } from '@vidflow/contracts';
import { buildSilenceDetectArgs, parseSilenceDetect, planChunks, readWavEnergyProfile } from '@vidflow/media';
import type { ActivityDeps } from '../activity-deps';
import { toFailure } from './failures';

/** Energy windows of 50 ms: finer than a syllable, so the quietest point of a gapless stretch is a real dip. */
const ENERGY_WINDOW_SECONDS = 0.05;

/**
 * Where to cut the audio: silences from ffmpeg's silencedetect, and for stretches without one the quietest
 * 50 ms window read from the WAV's samples (planChunks). Only the plan (a few numbers per chunk) goes back to
 * the workflow; the energy profile of a long file stays here.
 */
export function makePlanTranscriptionChunks(deps: Pick<ActivityDeps, 'store' | 'ffmpeg'>) {
  return async function planTranscriptionChunks(input: PlanTranscriptionChunksInput): Promise<TranscriptionChunkPlan[]> {
    const { cancellationSignal } = Context.current();
    const audio = deps.store.resolve(input.audio);
    try {
      const stderr: string[] = [];
      await deps.ffmpeg.run(buildSilenceDetectArgs({ input: audio }), {
        signal: cancellationSignal,
        onStderr: (line) => {
          if (line.includes('silence_')) stderr.push(line);
        },
      });
      const silences = parseSilenceDetect(stderr, input.durationSeconds);
      const energy = await readWavEnergyProfile(audio, ENERGY_WINDOW_SECONDS, cancellationSignal);
      return planChunks({ durationSeconds: input.durationSeconds, silences, maxChunkSeconds: input.maxChunkSeconds, energy });
    } catch (err) {
      throw toFailure(err);
    }
  };
}
