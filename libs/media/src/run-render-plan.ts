import type { RenderPlan } from './build-render-args';
import type { FfmpegRunner } from './ffmpeg-runner';

export interface RunRenderPlanOptions {
  ffmpeg: Pick<FfmpegRunner, 'run'>;
  plan: RenderPlan;
  /** The video's length, to turn ffmpeg's progress into fractions. */
  totalSeconds: number;
  /** Aborting kills every ffmpeg of the plan that is running. */
  signal?: AbortSignal;
  /** 0..1 over the whole plan: the two encodes (their mean) up to 0.95, the mux after. */
  onProgress?: (fraction: number) => void;
}

const ENCODE_SHARE = 0.95;

/**
 * Runs a render plan: the video and audio encodes at once, then the mux. When one encode fails the
 * other is stopped, and only after both have exited is the first real error thrown, so a failed
 * render never leaves an ffmpeg behind writing into a directory that is about to be removed.
 */
export async function runRenderPlan(o: RunRenderPlanOptions): Promise<void> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (o.signal?.aborted) stop.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const progress = { video: 0, audio: 0 };
  const track = (part: keyof typeof progress) => (fraction: number) => {
    progress[part] = fraction;
    o.onProgress?.((ENCODE_SHARE * (progress.video + progress.audio)) / 2);
  };
  try {
    const encodes = (['video', 'audio'] as const).map((part) =>
      o.ffmpeg
        .run(o.plan[part], { signal: stop.signal, totalSeconds: o.totalSeconds, onProgress: o.onProgress && track(part) })
        .catch((err: unknown) => {
          stop.abort();
          throw err;
        }),
    );
    const results = await Promise.allSettled(encodes);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    // The encode that failed first is the cause; the other one was only stopped because of it.
    const cause = failures.find((e) => !(e instanceof Error && 'cancelled' in e && e.cancelled)) ?? failures[0];
    if (failures.length) throw cause;
    await o.ffmpeg.run(o.plan.mux, { signal: stop.signal });
    o.onProgress?.(1);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
}
