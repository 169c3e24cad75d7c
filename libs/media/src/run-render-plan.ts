import { writeFile } from 'node:fs/promises';
import type { RenderPlan } from './build-render-args';
import type { FfmpegRunner } from './ffmpeg-runner';
import type { FfmpegSpec } from './ffmpeg-spec';

export interface RunRenderPlanOptions {
  ffmpeg: Pick<FfmpegRunner, 'run'>;
  plan: RenderPlan;
  /** The video's length, to turn ffmpeg's progress into fractions. */
  totalSeconds: number;
  /** Aborting kills every ffmpeg of the plan that is running. */
  signal?: AbortSignal;
  /** 0..1 over the whole plan: the picture (its pieces by their length) and the audio, their mean, up to 0.95; the mux after. */
  onProgress?: (fraction: number) => void;
}

const ENCODE_SHARE = 0.95;

/**
 * Runs a render plan: every video piece and the audio encode at once, then the mux (through the pieces' list when
 * there are several). When one encode fails the others are stopped, and only after all have exited is the first
 * real error thrown, so a failed render never leaves an ffmpeg behind writing into a directory that is about to be
 * removed.
 */
export async function runRenderPlan(o: RunRenderPlanOptions): Promise<void> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (o.signal?.aborted) stop.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const pieceSeconds = o.plan.video.reduce((sum, p) => sum + p.seconds, 0) || 1;
  const done = { video: o.plan.video.map(() => 0), audio: 0 };
  const report = () => {
    const video = o.plan.video.reduce((sum, p, k) => sum + done.video[k]! * p.seconds, 0) / pieceSeconds;
    o.onProgress?.((ENCODE_SHARE * (video + done.audio)) / 2);
  };
  const run = (spec: FfmpegSpec, totalSeconds: number, track: (fraction: number) => void) =>
    o.ffmpeg
      .run(spec, {
        signal: stop.signal,
        totalSeconds,
        ...(o.onProgress
          ? {
              onProgress: (fraction: number) => {
                track(fraction);
                report();
              },
            }
          : {}),
      })
      .catch((err: unknown) => {
        stop.abort();
        throw err;
      });
  try {
    const encodes = [
      ...o.plan.video.map((piece, k) =>
        run(piece.spec, piece.seconds, (f) => {
          done.video[k] = f;
        }),
      ),
      run(o.plan.audio, o.totalSeconds, (f) => {
        done.audio = f;
      }),
    ];
    const results = await Promise.allSettled(encodes);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    // The encode that failed first is the cause; the others were only stopped because of it.
    const cause = failures.find((e) => !(e instanceof Error && 'cancelled' in e && e.cancelled)) ?? failures[0];
    if (failures.length) throw cause;
    if (o.plan.pieceList) await writeFile(o.plan.pieceList.path, o.plan.pieceList.content);
    await o.ffmpeg.run(o.plan.mux, { signal: stop.signal });
    o.onProgress?.(1);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
}
