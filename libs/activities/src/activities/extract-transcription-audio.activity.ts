import { Context } from '@temporalio/activity';
import type { ExtractedTranscriptionAudio, ExtractTranscriptionAudioInput } from '@vidflow/contracts';
import { buildAudioExtractArgs } from '@vidflow/media';
import { join } from 'node:path';
import type { ActivityDeps } from '../activity-deps';
import { toFailure } from './failures';
import { transcriptionWorkFile } from './transcription-paths';

/** The source's first audio stream as 16 kHz mono WAV in the work folder, written in scratch and moved in whole. */
export function makeExtractTranscriptionAudio(deps: Pick<ActivityDeps, 'store' | 'ffmpeg'>) {
  return async function extractTranscriptionAudio(input: ExtractTranscriptionAudioInput): Promise<ExtractedTranscriptionAudio> {
    const ctx = Context.current();
    const scratch = await deps.store.scratchDir(input.transcriptionId, 'extract');
    try {
      const wav = join(scratch, 'audio.wav');
      await deps.ffmpeg.run(buildAudioExtractArgs({ input: deps.store.resolve(input.source), output: wav }), {
        signal: ctx.cancellationSignal,
        totalSeconds: input.durationSeconds,
        onProgress: (progress) => ctx.heartbeat({ progress }),
      });
      const probe = await deps.ffmpeg.probe(wav);
      const audio = transcriptionWorkFile(input.transcriptionId, 'audio.wav');
      await deps.store.commit(wav, audio);
      return { audio, durationSeconds: probe.durationSeconds };
    } catch (err) {
      throw toFailure(err);
    } finally {
      await deps.store.removeScratch(scratch);
    }
  };
}
