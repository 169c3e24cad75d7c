import { getPriority } from 'node:os';
import { FfmpegRunner } from '../ffmpeg-runner';
import { childProcessesOf, niceOfThreads, waitFor } from '../../../../test/support/process-nice';

/** An encode that runs until it is aborted: x264 on several threads, paced by -re. */
const endlessEncode = {
  inputs: [{ source: 'testsrc2=s=320x240:r=25', options: ['-re', '-f', 'lavfi'] }],
  outputOptions: ['-c:v', 'libx264', '-preset', 'ultrafast', '-threads', '4', '-f', 'null'],
  output: '-',
};

jest.setTimeout(90_000);

describe('CHILD_NICE on ffmpeg (real ffmpeg, read back from /proc)', () => {
  it.each([7, 0])('runs every thread of ffmpeg at nice %i above the worker', async (nice) => {
    const base = getPriority(process.pid);
    const runner = new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe', childNice: nice });
    const abort = new AbortController();
    let encoding = false;
    const run = runner.run(endlessEncode, { signal: abort.signal, onStderr: (l) => (encoding ||= /frame=/.test(l)) });
    run.catch(() => undefined);
    try {
      // Once frames come out, x264's worker threads exist: all of them must carry the value.
      const child = await waitFor(() => (encoding ? childProcessesOf(process.pid).find((c) => c.comm === 'ffmpeg') : undefined));
      expect(child).toBeDefined();
      const threads = niceOfThreads(child!.pid);
      expect(threads.length).toBeGreaterThan(1);
      expect(new Set(threads)).toEqual(new Set([Math.max(base, nice)]));
    } finally {
      abort.abort();
      await expect(run).rejects.toThrow(/cancelled/);
    }
  });
});
