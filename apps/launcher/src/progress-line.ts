import { formatPercent, formatProgressBar, type VideoStatusView } from '@vidflow/contracts';

/** `[##########--------------------]  33%  tts 3/8` for one status object. */
export function formatProgress(s: VideoStatusView): string {
  let detail: string = s.stage;
  if (s.stage === 'tts') detail = `tts ${s.stages.tts.done}/${s.stages.tts.total}`;
  if (s.stage === 'render') detail = `render ${Math.round(s.stages.render.progress * 100)}%`;
  if (s.stages.render.attempt > 1) detail += ` (attempt ${s.stages.render.attempt})`;
  return `${formatProgressBar(s.progress)} ${formatPercent(s.progress)}  ${s.status === 'running' || s.status === 'queued' ? detail : s.status}`;
}

/**
 * Draws progress in place on a terminal; elsewhere (CI logs, pipes) prints a plain line only when the
 * stage or the tens digit of the percentage changes, so logs stay readable.
 */
export class ProgressPrinter {
  private last = '';
  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {}

  update(status: VideoStatusView): void {
    const line = formatProgress(status);
    if (this.out.isTTY) {
      this.out.write(`\r${line}\x1b[K`);
      return;
    }
    const key = `${status.status}|${status.stage}|${Math.floor(status.progress * 10)}`;
    if (key !== this.last) this.out.write(`${line}\n`);
    this.last = key;
  }

  done(): void {
    if (this.out.isTTY) this.out.write('\n');
  }
}
