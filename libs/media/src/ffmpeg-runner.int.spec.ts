import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegRunner } from './ffmpeg-runner';
import type { FfmpegSpec } from './ffmpeg-spec';
import { FfmpegError, ProbeError } from './media-errors';

/** Pids of live processes whose command line mentions `token` (read from /proc, no shell). */
function processesMentioning(token: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (cmdline.includes(token) && state !== 'Z') pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

const colorSpec = (output: string, seconds: number, extra: string[] = []): FfmpegSpec => ({
  inputs: [{ source: `color=c=0x336699:s=160x120:r=25:d=${seconds}`, options: ['-f', 'lavfi'] }],
  outputOptions: ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', ...extra],
  output,
});

describe('FfmpegRunner (real ffmpeg)', () => {
  const runner = new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' });
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vidflow-runner-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renders a short clip and reports progress as fractions in 0..1', async () => {
    const output = join(dir, 'ok.mp4');
    const progress: number[] = [];
    await runner.run(colorSpec(output, 2), { totalSeconds: 2, onProgress: (p) => progress.push(p) });

    expect(progress.length).toBeGreaterThan(0);
    for (const p of progress) {
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
    expect(progress.at(-1)).toBeGreaterThan(0.5);

    const probe = await runner.probe(output);
    expect(probe.durationSeconds).toBeCloseTo(2, 1);
    expect(probe.bytes).toBeGreaterThan(0);
    expect(probe.format).toContain('mp4');
    expect(probe.streams).toEqual([{ type: 'video', codec: 'h264', width: 160, height: 120 }]);
  });

  it('rejects with an FfmpegError whose message carries the tail of stderr', async () => {
    const missing = join(dir, 'no-such-input.wav');
    const spec: FfmpegSpec = { inputs: [{ source: missing, options: [] }], outputOptions: ['-f', 'null'], output: '-' };
    const err = await runner.run(spec).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FfmpegError);
    const error = err as FfmpegError;
    expect(error.cancelled).toBe(false);
    expect(error.stderrTail).toContain('No such file or directory');
    expect(error.message).toMatch(/^ffmpeg failed: /);
    expect(error.message).toContain(`${missing}: No such file or directory`);
  });

  it('kills ffmpeg when the signal aborts and rejects as cancelled', async () => {
    const output = join(dir, 'cancelled-run.mp4');
    const controller = new AbortController();
    let runningAtAbort: number[] = [];
    const run = runner.run(colorSpec(output, 600, ['-preset', 'veryslow']), {
      signal: controller.signal,
      totalSeconds: 600,
      // The first progress line means ffmpeg is running and encoding.
      onProgress: () => {
        if (controller.signal.aborted) return;
        runningAtAbort = processesMentioning(output);
        controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'FfmpegError', cancelled: true });
    expect(runningAtAbort).toHaveLength(1);
    expect(processesMentioning(output)).toEqual([]);
  });

  it('rejects at once, without starting ffmpeg, when the signal is already aborted', async () => {
    const output = join(dir, 'never.mp4');
    await expect(runner.run(colorSpec(output, 1), { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'FfmpegError',
      cancelled: true,
    });
    expect(existsSync(output)).toBe(false);
  });

  it('rejects an option that fluent-ffmpeg would split at a space', async () => {
    const spec = colorSpec(join(dir, 'x.mp4'), 1);
    await expect(runner.run({ ...spec, outputOptions: ['-metadata title=a b'] })).rejects.toThrow(/ambiguous single ffmpeg option/);
  });

  describe('probe', () => {
    it('rejects with a ProbeError naming a missing file', async () => {
      const missing = join(dir, 'missing.mp4');
      const err = await runner.probe(missing).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProbeError);
      expect((err as ProbeError).file).toBe(missing);
      expect((err as ProbeError).message).toContain(`cannot read media ${missing}`);
      expect((err as ProbeError).message).toContain('No such file or directory');
    });

    it('rejects with a ProbeError naming a file that is not media', async () => {
      const text = join(dir, 'notes.txt');
      writeFileSync(text, 'this is plain text, not audio or video\n');
      const err = await runner.probe(text).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProbeError);
      expect((err as ProbeError).message).toContain(`cannot read media ${text}`);
      expect((err as ProbeError).message).toMatch(/Invalid data/);
    });
  });

  it('honours an abort that arrives before fluent-ffmpeg has spawned ffmpeg', async () => {
    const output = join(dir, 'early-abort.mp4');
    const controller = new AbortController();
    const run = runner.run(colorSpec(output, 2), { signal: controller.signal });
    controller.abort();
    await expect(run).rejects.toMatchObject({ cancelled: true });
    expect(processesMentioning(output)).toEqual([]);
  });
});
