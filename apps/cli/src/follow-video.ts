import type { VideoStatusView } from '@vidflow/contracts';
import { ApiError, RunFailedError } from './api-error';
import { printJson, printLine, type CommandContext } from './command';
import { isTerminalStatus } from '@vidflow/contracts';
import { formatVideoProgress, formatVideoStatus } from './format-video-progress';
import { ProgressDisplay } from './progress-display';

/** Consecutive polls that may fail with 503 or a dropped connection (an API restart) before giving up. */
const TRANSIENT_RETRIES = 20;

/** Polls until `fetchOnce` gives a value `done` accepts, riding out brief API or Temporal outages. */
export async function pollUntil<T>(options: {
  ctx: CommandContext;
  fetchOnce: () => Promise<T>;
  onUpdate: (value: T) => void;
  done: (value: T) => boolean;
}): Promise<T> {
  let failures = 0;
  for (;;) {
    let value: T;
    try {
      value = await options.fetchOnce();
      failures = 0;
    } catch (e) {
      const transient = e instanceof ApiError && (e.status === 0 || e.status === 503);
      if (!transient || ++failures > TRANSIENT_RETRIES) throw e;
      await options.ctx.io.sleep(options.ctx.pollIntervalMs * 2);
      continue;
    }
    options.onUpdate(value);
    if (options.done(value)) return value;
    await options.ctx.io.sleep(options.ctx.pollIntervalMs);
  }
}

/**
 * Follows a video to the end with a progress line (none with `--json`), then reports the outcome:
 * resolves on `completed`, throws RunFailedError (exit 1) on `failed` or `cancelled` after printing why.
 */
export async function followVideo(ctx: CommandContext, id: string): Promise<VideoStatusView> {
  const display = new ProgressDisplay(ctx.io.stdout);
  let final: VideoStatusView;
  try {
    final = await pollUntil({
      ctx,
      fetchOnce: () => ctx.api.call(ctx.api.typed.GET('/api/videos/{id}', { params: { path: { id } } })),
      onUpdate: (s) => {
        if (!ctx.json) display.update(formatVideoProgress(s));
      },
      done: (s) => isTerminalStatus(s.status),
    });
  } finally {
    display.done();
  }
  if (ctx.json) printJson(ctx.io, final);
  else printLine(ctx.io, formatVideoStatus(final));
  if (final.status !== 'completed') {
    const why = final.error ? `: ${final.error.message}` : '';
    throw new RunFailedError(`video ${id} ${final.status}${final.error?.stage ? ` in stage ${final.error.stage}` : ''}${why}`);
  }
  return final;
}
