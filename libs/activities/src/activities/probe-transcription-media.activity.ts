import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes, type ProbedTranscriptionMedia, type ProbeTranscriptionMediaInput } from '@vidflow/contracts';
import { ProbeError } from '@vidflow/media';
import type { ActivityDeps } from '../activity-deps';
import { resolveMediaInput } from '../adapters/media-input/resolve-media-input';
import { badMedia } from '../adapters/media-failures';
import { toFailure } from './failures';
import { transcriptionWorkFile } from './transcription-paths';

/**
 * Finds and measures what is to be transcribed. A URL is downloaded (the media URL rules) into the transcription's
 * work folder, so the later steps read a local file. A file without an audio stream fails at once, non-retryable,
 * naming the source: there is nothing to transcribe, and no retry can change that.
 */
export function makeProbeTranscriptionMedia(deps: Pick<ActivityDeps, 'store' | 'ffmpeg' | 'mediaDownload'>) {
  return async function probeTranscriptionMedia(input: ProbeTranscriptionMediaInput): Promise<ProbedTranscriptionMedia> {
    const { cancellationSignal } = Context.current();
    const { media, transcriptionId } = input;
    let source: string;
    if (media.url !== undefined) {
      const scratch = await deps.store.scratchDir(transcriptionId, 'download');
      try {
        const path = await resolveMediaInput({
          ref: media.url,
          field: 'source.url',
          kind: 'audio',
          mediaDir: deps.store.root,
          ffmpeg: deps.ffmpeg,
          signal: cancellationSignal,
          download: { ...deps.mediaDownload, dir: scratch, onProgress: () => Context.current().heartbeat() },
        });
        source = transcriptionWorkFile(transcriptionId, 'source');
        await deps.store.commit(path, source);
      } catch (err) {
        throw noAudio(err) ?? toFailure(err);
      } finally {
        await deps.store.removeScratch(scratch);
      }
    } else {
      source = media.path;
      try {
        deps.store.resolve(source);
      } catch {
        throw badMedia('source', `${JSON.stringify(source)} is outside the data directory`);
      }
    }
    let probe;
    try {
      probe = await deps.ffmpeg.probe(deps.store.resolve(source));
    } catch (err) {
      if (err instanceof ProbeError) throw badMedia('source', `${JSON.stringify(media.path ?? 'the download')} is not readable media (${err.message.split(': ').slice(-1)[0]})`);
      throw toFailure(err);
    }
    const audio = probe.streams.find((s) => s.type === 'audio');
    if (!audio) {
      throw ApplicationFailure.create({
        type: ErrorTypes.BadMedia,
        message: `source: ${JSON.stringify(media.path ?? media.url)} has no audio stream: there is nothing to transcribe`,
        nonRetryable: true,
        details: [{ field: 'source' }],
      });
    }
    const video = probe.streams.find((s) => s.type === 'video' && s.width && s.height);
    return {
      source,
      durationSeconds: probe.durationSeconds,
      hasVideo: video !== undefined,
      ...(video ? { width: video.width, height: video.height } : {}),
      audioCodec: audio.codec,
    };
  };
}

/** resolveMediaInput's BadMedia for a download without audio, passed on as it is (it already names source.url). */
function noAudio(err: unknown): ApplicationFailure | undefined {
  return err instanceof ApplicationFailure && err.type === ErrorTypes.BadMedia ? err : undefined;
}
