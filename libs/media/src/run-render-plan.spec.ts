import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RenderPlan } from './build-render-args';
import type { FfmpegSpec } from './ffmpeg-spec';
import type { RunOptions } from './ffmpeg-runner';
import { FfmpegError } from './media-errors';
import { runRenderPlan } from './run-render-plan';

const spec = (output: string): FfmpegSpec => ({ inputs: [], outputOptions: [], output });
const plan: RenderPlan = { video: [{ spec: spec('v.mp4'), seconds: 10 }], audio: spec('a.m4a'), mux: spec('out.mp4') };

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

  describe('with the picture in pieces', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'render-plan-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const pieces = (): RenderPlan => ({
      video: [
        { spec: spec('v0.mp4'), seconds: 6 },
        { spec: spec('v1.mp4'), seconds: 4 },
      ],
      audio: spec('a.m4a'),
      pieceList: { path: join(dir, 'v.txt'), content: "file 'v0.mp4'\nfile 'v1.mp4'\n" },
      mux: spec('out.mp4'),
    });

    it('runs every piece and the audio at once, progress weighted by piece length, then writes the list and muxes', async () => {
      const ffmpeg = fakeRunner();
      const progress: number[] = [];
      const done = runRenderPlan({ ffmpeg, plan: pieces(), totalSeconds: 10, onProgress: (p) => progress.push(p) });
      await tick();
      expect(ffmpeg.runs.map((r) => [r.output, r.opts.totalSeconds])).toEqual([['v0.mp4', 6], ['v1.mp4', 4], ['a.m4a', 10]]);
      ffmpeg.runs[1]!.opts.onProgress!(1);
      ffmpeg.runs[0]!.opts.onProgress!(0.5);
      for (const r of ffmpeg.runs) r.resolve();
      // The list is written (real file I/O) before the mux starts.
      while (ffmpeg.runs.length < 4) await tick();
      expect(readFileSync(join(dir, 'v.txt'), 'utf8')).toBe("file 'v0.mp4'\nfile 'v1.mp4'\n");
      expect(ffmpeg.runs.map((r) => r.output)).toEqual(['v0.mp4', 'v1.mp4', 'a.m4a', 'out.mp4']);
      ffmpeg.runs[3]!.resolve();
      await done;
      // The picture: 4 of 10 s, then 4 + 3; the audio 0.
      expect(progress.map((p) => Math.round(p * 1e6) / 1e6)).toEqual([0.19, 0.3325, 1]);
    });

    it('stops every other ffmpeg when one piece fails, and muxes nothing', async () => {
      const ffmpeg = fakeRunner();
      const done = runRenderPlan({ ffmpeg, plan: pieces(), totalSeconds: 10 });
      await tick();
      const crash = new FfmpegError('ffmpeg failed: exit 1', 'Invalid data found');
      ffmpeg.runs[1]!.reject(crash);
      await expect(done).rejects.toBe(crash);
      expect([0, 2].map((k) => ffmpeg.runs[k]!.opts.signal!.aborted)).toEqual([true, true]);
      expect(ffmpeg.run).toHaveBeenCalledTimes(3);
    });
  });
});
