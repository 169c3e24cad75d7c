import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { MEDIA_LIBRARY_LAYOUT, UNSUPPORTED_MEDIA, type ProbeMediaInput, type SniffedMedia } from '@vidflow/contracts';
import { buildDecodeCheckArgs, classifyMediaProbe, FfmpegError, ProbeError } from '@vidflow/media';
import { relative, sep } from 'node:path';
import type { ActivityDeps } from '../activity-deps';
import { sniffIndirection } from '../adapters/media-input/resolve-media-input';
import { toFailure } from './failures';

/**
 * Sniffs a file received by the media library (POST /api/media): what ffprobe says it is (by content: the file
 * has no extension), checked by decoding its first frame, because ffprobe alone takes much that is not media.
 * Runs on a worker because the API runs no media tools. Anything that is no image, video or audio fails at
 * once, non-retryable, as UnsupportedMedia naming the file (the API answers 415).
 */
export function makeProbeLibraryMedia(deps: Pick<ActivityDeps, 'store' | 'ffmpeg'>) {
  return async function probeLibraryMedia(input: ProbeMediaInput): Promise<SniffedMedia> {
    const { cancellationSignal } = Context.current();
    const unsupported = (why: string) =>
      ApplicationFailure.create({ type: UNSUPPORTED_MEDIA, message: `file: ${JSON.stringify(input.name)} is not supported: ${why}`, nonRetryable: true, details: [{ field: 'file' }] });
    const path = deps.store.resolve(input.path);
    // Only files the API put in the library's incoming folder: the workflow input is no way to probe any file.
    const rel = relative(deps.store.resolve(MEDIA_LIBRARY_LAYOUT.incoming), path);
    if (!rel || rel.startsWith('..') || rel.includes(sep)) throw ApplicationFailure.create({ type: 'BadInput', message: `${input.path} is not a received library file`, nonRetryable: true });
    try {
      // Before ffprobe opens it: a playlist would make ffprobe itself fetch what it names.
      const indirection = await sniffIndirection(path);
      if (indirection) throw unsupported(`it is ${indirection}, not an image, a video or audio`);
      let probe;
      try {
        probe = await deps.ffmpeg.probe(path);
      } catch (err) {
        if (err instanceof ProbeError) throw unsupported(`ffprobe cannot read it (${err.message.split(': ').slice(-1)[0]})`);
        throw err;
      }
      const found = classifyMediaProbe(probe);
      if (found.kind === 'unsupported') throw unsupported(found.why);
      try {
        await deps.ffmpeg.run(buildDecodeCheckArgs({ input: path, stream: found.stream }), { signal: cancellationSignal });
      } catch (err) {
        if (err instanceof FfmpegError && !err.cancelled) throw unsupported(`its ${found.kind === 'audio' ? 'audio' : 'picture'} does not decode`);
        throw err;
      }
      const picture = probe.streams.find((s) => s.type === 'video' && s.width && s.height);
      return {
        kind: found.kind,
        format: probe.format,
        ...(found.kind !== 'audio' && picture ? { width: picture.width, height: picture.height } : {}),
        ...(found.kind !== 'image' && probe.durationSeconds > 0 ? { durationSeconds: Math.round(probe.durationSeconds * 1000) / 1000 } : {}),
      };
    } catch (err) {
      if (err instanceof ApplicationFailure) throw err;
      throw toFailure(err);
    }
  };
}
