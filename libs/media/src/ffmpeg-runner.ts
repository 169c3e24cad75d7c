import ffmpeg from 'fluent-ffmpeg';
import type { FfmpegSpec } from './ffmpeg-spec';
import { FfmpegError, ProbeError } from './media-errors';
import { parseTimemark } from './parse-timemark';
import { lowerChildPriority } from './process-priority';

export interface FfmpegRunnerOptions {
  ffmpegPath: string;
  ffprobePath: string;
  /** Nice value ffmpeg runs at (CHILD_NICE); 0 or unset leaves it at the worker's. */
  childNice?: number;
}

export interface RunOptions {
  /** Aborting kills ffmpeg (SIGKILL) and rejects with a cancelled FfmpegError. */
  signal?: AbortSignal;
  /** Expected output duration, to turn ffmpeg's `time=` into a 0..1 fraction. */
  totalSeconds?: number;
  onProgress?: (fraction: number) => void;
  /** Every line ffmpeg prints on stderr, as it prints it (filters such as silencedetect report there). */
  onStderr?: (line: string) => void;
}

export interface ProbeStream {
  type: string;
  codec: string;
  width?: number;
  height?: number;
}

export interface ProbeResult {
  durationSeconds: number;
  bytes: number;
  format: string;
  streams: ProbeStream[];
}

const STDERR_TAIL_LINES = 15;

/**
 * The one place that runs ffmpeg and ffprobe (through fluent-ffmpeg). fluent-ffmpeg spawns the binary
 * with an argument array, never through a shell.
 */
export class FfmpegRunner {
  constructor(private readonly options: FfmpegRunnerOptions) {}

  run(spec: FfmpegSpec, opts: RunOptions = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) return reject(new FfmpegError('ffmpeg cancelled before start', '', true));
      const command = ffmpeg().setFfmpegPath(this.options.ffmpegPath);
      for (const input of spec.inputs) {
        command.input(input.source);
        addOptions(input.options, (...o) => command.inputOptions(...o));
      }
      if (spec.filterComplex) command.complexFilter(spec.filterComplex);
      addOptions(spec.outputOptions, (...o) => command.outputOptions(...o));
      command.output(spec.output);

      const stderr: string[] = [];
      let cancelled = false;
      // fluent-ffmpeg's kill() is a no-op until its own start-up checks have spawned ffmpeg, so an
      // abort in that window is remembered and carried out on 'start'.
      const onAbort = () => {
        cancelled = true;
        command.kill('SIGKILL');
      };
      command.on('start', () => {
        // fluent-ffmpeg emits 'start' synchronously right after spawn(), with the child in `ffmpegProc`.
        const child = (command as unknown as { ffmpegProc?: { pid?: number } }).ffmpegProc;
        lowerChildPriority(child?.pid, this.options.childNice ?? 0);
        if (cancelled) command.kill('SIGKILL');
      });
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => opts.signal?.removeEventListener('abort', onAbort);

      command.on('stderr', (line: string) => {
        opts.onStderr?.(line);
        stderr.push(line);
        if (stderr.length > 200) stderr.splice(0, stderr.length - STDERR_TAIL_LINES);
      });
      // Only with a listener: fluent-ffmpeg starts an extra ffprobe of the first input whenever a
      // 'progress' listener exists (processor.js, "Read metadata as soon as 'progress' listeners are added").
      const { onProgress, totalSeconds } = opts;
      if (onProgress && totalSeconds) {
        command.on('progress', (p: { timemark?: string }) => {
          const seconds = parseTimemark(p.timemark);
          if (seconds !== undefined) onProgress(Math.min(1, seconds / totalSeconds));
        });
      }
      command.on('error', (err: Error) => {
        cleanup();
        const tail = stderr.slice(-STDERR_TAIL_LINES).join('\n');
        reject(
          cancelled
            ? new FfmpegError('ffmpeg was cancelled', '', true)
            : new FfmpegError(`ffmpeg failed: ${err.message.split('\n')[0]}`, tail),
        );
      });
      command.on('end', () => {
        cleanup();
        if (cancelled) reject(new FfmpegError('ffmpeg was cancelled', '', true));
        else resolve();
      });
      command.run();
    });
  }

  probe(file: string): Promise<ProbeResult> {
    return new Promise((resolve, reject) => {
      const command = ffmpeg(file).setFfprobePath(this.options.ffprobePath);
      command.ffprobe((err: Error | null, data: ffmpeg.FfprobeData) => {
        if (err) {
          const detail = err.message.split('\n').filter(Boolean).slice(-1)[0] ?? err.message;
          return reject(new ProbeError(file, detail.replace(/^ffprobe exited with code \d+:?\s*/, '')));
        }
        const duration = Number(data.format.duration);
        resolve({
          durationSeconds: Number.isFinite(duration) ? duration : 0,
          bytes: Number(data.format.size ?? 0),
          format: String(data.format.format_name ?? ''),
          streams: data.streams.map((s) => ({
            type: String(s.codec_type),
            codec: String(s.codec_name),
            ...(s.width ? { width: s.width, height: s.height } : {}),
          })),
        });
      });
    });
  }
}

/**
 * fluent-ffmpeg splits a lone option string at its first space ("-f lavfi" -> "-f", "lavfi"), which
 * would corrupt a value that contains a space. Passing options as separate arguments turns that off.
 */
function addOptions(options: string[], add: (...o: string[]) => void): void {
  if (options.length === 0) return;
  if (options.length === 1) {
    if (/\s/.test(options[0]!)) throw new Error(`ambiguous single ffmpeg option: ${options[0]}`);
    add(options[0]!);
    return;
  }
  add(...options);
}
