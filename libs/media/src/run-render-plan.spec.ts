import type { RenderPlan } from './build-render-args';
import type { FfmpegSpec } from './ffmpeg-spec';
import type { RunOptions } from './ffmpeg-runner';
import { FfmpegError } from './media-errors';
import { runRenderPlan } from './run-render-plan';

const spec = (output: string): FfmpegSpec => ({ inputs: [], outputOptions: [], output });
const plan: RenderPlan = { video: spec('v.mp4'), audio: spec('a.m4a'), mux: spec('out.mp4') };

/** A runner whose runs finish only when the test says so, recording what ran and with which options. */
function fakeRunner() {
  const runs: Array<{ output: string; opts: RunOptions; resolve: () => void; reject: (e: unknown) => void }> = [];
  return {
    runs,
    run: jest.fn((s: FfmpegSpec, opts: RunOptions = {}) => {
      return new Promise<void>((resolve, reject) => {
        runs.push({ output: s.output, opts, resolve, reject });
        opts.signal?.addEventListener('abort', () => reject(new FfmpegError('ffmpeg was cancelled', '', true)), { once: true });
      });
    }),
  };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('runRenderPlan', () => {
  it('runs the video and audio encodes at once, then the mux, with progress over the whole plan', async () => {
    const ffmpeg = fakeRunner();
    const progress: number[] = [];
    const done = runRenderPlan({ ffmpeg, plan, totalSeconds: 10, onProgress: (p) => progress.push(p) });
    await tick();
    expect(ffmpeg.runs.map((r) => r.output)).toEqual(['v.mp4', 'a.m4a']);
    expect(ffmpeg.runs[0]!.opts.totalSeconds).toBe(10);
    ffmpeg.runs[0]!.opts.onProgress!(0.5);
    ffmpeg.runs[1]!.opts.onProgress!(1);
    ffmpeg.runs[0]!.resolve();
    ffmpeg.runs[1]!.resolve();
    await tick();
    expect(ffmpeg.runs.map((r) => r.output)).toEqual(['v.mp4', 'a.m4a', 'out.mp4']);
    ffmpeg.runs[2]!.resolve();
    await done;
    expect(progress.map((p) => Math.round(p * 1e6) / 1e6)).toEqual([0.2375, 0.7125, 1]);
  });

  it('stops the other encode when one fails and throws the failure, not the cancellation, without muxing', async () => {
    const ffmpeg = fakeRunner();
    const done = runRenderPlan({ ffmpeg, plan, totalSeconds: 10 });
    await tick();
    const crash = new FfmpegError('ffmpeg failed: exit 1', 'Invalid data found');
    ffmpeg.runs[1]!.reject(crash);
    await expect(done).rejects.toBe(crash);
    expect(ffmpeg.runs[0]!.opts.signal!.aborted).toBe(true);
    expect(ffmpeg.run).toHaveBeenCalledTimes(2);
  });

  it('passes a cancellation on to every running ffmpeg', async () => {
    const ffmpeg = fakeRunner();
    const cancel = new AbortController();
    const done = runRenderPlan({ ffmpeg, plan, totalSeconds: 10, signal: cancel.signal });
    await tick();
    cancel.abort();
    await expect(done).rejects.toMatchObject({ cancelled: true });
    expect(ffmpeg.runs.every((r) => r.opts.signal!.aborted)).toBe(true);
    expect(ffmpeg.run).toHaveBeenCalledTimes(2);
  });
});
