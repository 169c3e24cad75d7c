import { log } from '@temporalio/activity';
import { buildPosterArgs, type FfmpegRunner } from '@vidflow/media';
import { join } from 'node:path';
import type { ArtifactStore } from '../adapters/artifact-store/artifact-store';

interface PosterDeps {
  store: ArtifactStore;
  ffmpeg: FfmpegRunner;
}

/**
 * The poster frame of a finished MP4 (the Studio's thumbnail), written into an attempt's scratch directory.
 * Best effort: a video never fails, nor retries, for its thumbnail; a failure is logged and the video has none.
 */
export async function extractPoster(deps: PosterDeps, video: string, durationSeconds: number, scratch: string): Promise<string | undefined> {
  const output = join(scratch, 'poster.jpg');
  try {
    await deps.ffmpeg.run(buildPosterArgs({ input: video, durationSeconds, output }));
    return output;
  } catch (err) {
    log.warn('poster frame not written; the video has no thumbnail', { error: (err as Error).message });
    return undefined;
  }
}

/** Moves a poster from scratch to `videos/<id>.jpg` (best effort, as extractPoster). */
export async function commitPoster(deps: Pick<PosterDeps, 'store'>, videoId: string, poster: string | undefined): Promise<void> {
  if (!poster) return;
  try {
    await deps.store.commit(poster, deps.store.poster(videoId));
  } catch (err) {
    log.warn('poster frame not stored; the video has no thumbnail', { videoId, error: (err as Error).message });
  }
}

/**
 * A cached video's poster placed at this video's: the cache's copy when it holds one, else a frame taken
 * from the cached MP4 (entries written before posters existed, or whose poster could not be made).
 */
export async function placeCachedPoster(
  deps: PosterDeps,
  videoId: string,
  cached: { poster?: string; video: string; durationSeconds: number },
  scratch: string,
): Promise<void> {
  if (cached.poster) {
    try {
      await deps.store.placeCachedFile(cached.poster, deps.store.poster(videoId));
      return;
    } catch {
      // Evicted meanwhile: take the frame again below.
    }
  }
  await commitPoster(deps, videoId, await extractPoster(deps, cached.video, cached.durationSeconds, scratch));
}
