import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorTypes, type ProbedTranscriptionMedia, type ProbeTranscriptionMediaInput } from '@vidflow/contracts';
import { ProbeError } from '@vidflow/media';
import type { ActivityDeps } from '../activity-deps';
import type { ArtifactStore } from '../adapters/artifact-store/artifact-store';
import { resolveMediaInput } from '../adapters/media-input/resolve-media-input';
import { badMedia } from '../adapters/media-failures';
import { toFailure } from './failures';
import { transcriptionWorkFile } from './transcription-paths';

/**
 * Finds and measures what is to be transcribed. A URL is downloaded (the media URL rules), and an object in the
 * artifact bucket (a finished upload with ARTIFACT_STORE=s3) fetched, into the transcription's work folder on this
 * host's DATA_DIR, so the later steps read a local file (and the upload needs no disk shared with the API). A file
 * without an audio stream fails at once, non-retryable, naming the source: there is nothing to transcribe, and no
 * retry can change that.
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
    } else if (media.object !== undefined) {
      source = await fetchObject(deps.store, transcriptionId, media.object, cancellationSignal);
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
      if (err instanceof ProbeError) throw badMedia('source', `${JSON.stringify(media.path ?? media.object ?? 'the download')} is not readable media (${err.message.split(': ').slice(-1)[0]})`);
      throw toFailure(err);
    }
    const audio = probe.streams.find((s) => s.type === 'audio');
    if (!audio) {
      throw ApplicationFailure.create({
        type: ErrorTypes.BadMedia,
        message: `source: ${JSON.stringify(media.path ?? media.object ?? media.url)} has no audio stream: there is nothing to transcribe`,
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

/**
 * Downloads the bucket object `key` into the transcription's work folder (ObjectStore.download: whole or not at all),
 * stopping when the activity is cancelled. An object that is not there fails at once, naming the source: the API
 * checked that the upload was finished, so it was removed since, and no retry brings it back.
 */
async function fetchObject(store: ArtifactStore, transcriptionId: string, key: string, signal: AbortSignal): Promise<string> {
  if (!store.finished) throw badMedia('source', `${JSON.stringify(key)} is an object in the artifact bucket, which this worker has not (give it ARTIFACT_STORE=s3 and the API's S3_* settings)`);
  const source = transcriptionWorkFile(transcriptionId, 'source');
  let found: boolean;
  try {
    found = await store.finished.download(key, store.resolve(source), { signal });
  } catch (err) {
    throw toFailure(err);
  }
  if (!found) throw badMedia('source', `${JSON.stringify(key)} is no longer in the artifact bucket (the upload was removed)`);
  return source;
}

/** resolveMediaInput's BadMedia for a download without audio, passed on as it is (it already names source.url). */
function noAudio(err: unknown): ApplicationFailure | undefined {
  return err instanceof ApplicationFailure && err.type === ErrorTypes.BadMedia ? err : undefined;
}
