/** ffmpeg exited with an error. `stderrTail` holds the last lines it printed, which name the cause. */
export class FfmpegError extends Error {
  override name = 'FfmpegError';
  constructor(
    message: string,
    readonly stderrTail: string,
    readonly cancelled = false,
  ) {
    super(stderrTail ? `${message}\n${stderrTail}` : message);
  }
}

/** ffprobe could not read a file as media (missing, truncated, not audio/video at all). */
export class ProbeError extends Error {
  override name = 'ProbeError';
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`cannot read media ${file}: ${detail}`);
  }
}
