import { Context } from '@temporalio/activity';
import { transcriptionFilePath, type BurnInSubtitlesInput, type TranscriptionFiles } from '@vidflow/contracts';
import { buildBurnInArgs, MP4_AUDIO_CODECS } from '@vidflow/media';
import { join } from 'node:path';
import type { ActivityDeps } from '../activity-deps';
import { toFailure } from './failures';

/**
 * The original video with the transcript burned in by libass (the captions of videos use the same renderer and
 * layout), H.264 with the original audio, rendered in scratch and moved into place whole. Runs on the render queue;
 * heartbeats carry ffmpeg's progress, and cancellation kills ffmpeg.
 */
export function makeBurnInSubtitles(deps: Pick<ActivityDeps, 'store' | 'ffmpeg' | 'renderPreset'>) {
  return async function burnInSubtitles(input: BurnInSubtitlesInput): Promise<Pick<TranscriptionFiles, 'video'>> {
    const ctx = Context.current();
    ctx.heartbeat({ progress: 0 });
    const scratch = await deps.store.scratchDir(input.transcriptionId, 'burn');
    try {
      const output = join(scratch, 'video.mp4');
      await deps.ffmpeg.run(
        buildBurnInArgs({
          input: deps.store.resolve(input.source),
          subtitlesPath: deps.store.resolve(input.captions),
          preset: deps.renderPreset,
          copyAudio: MP4_AUDIO_CODECS.has(input.audioCodec),
          output,
        }),
        { signal: ctx.cancellationSignal, totalSeconds: input.durationSeconds, onProgress: (progress) => ctx.heartbeat({ progress }) },
      );
      const video = transcriptionFilePath(input.transcriptionId, 'video');
      await deps.store.commit(output, video);
      return { video };
    } catch (err) {
      throw toFailure(err);
    } finally {
      await deps.store.removeScratch(scratch);
    }
  };
}
