import type { StepStatus, VideoStatusView } from '@vidflow/contracts';
import { formatPercent, formatProgressBar } from '@vidflow/contracts';

/**
 * One line for one video: overall bar and percentage, then every stage.
 * `[#########---------------------]  31%  running  script done  tts 3/8  render 0%`
 */
export function formatVideoProgress(s: VideoStatusView): string {
  const { script, tts, render } = s.stages;
  const parts = [`${formatProgressBar(s.progress)} ${formatPercent(s.progress)}`, s.status.padEnd(9)];
  parts.push(`script ${stepWord(script.status)}${script.cacheHit ? ' (cached)' : ''}`);
  let ttsText = tts.total > 0 ? `tts ${tts.done}/${tts.total}` : `tts ${stepWord(tts.status)}`;
  if (tts.cacheHits > 0) ttsText += ` (${tts.cacheHits} cached)`;
  parts.push(ttsText);
  let renderText = render.status === 'pending' ? 'render pending' : `render ${formatPercent(render.progress).trim()}`;
  if (render.status === 'completed') renderText = 'render done';
  if (render.cacheHit) renderText += ' (cached)';
  if (render.attempt > 1) renderText += ` (attempt ${render.attempt})`;
  parts.push(renderText);
  return parts.join('  ');
}

function stepWord(status: StepStatus): string {
  return status === 'completed' ? 'done' : status;
}

/** The lines `status` prints for people: the progress line, then the result or the error. */
export function formatVideoStatus(s: VideoStatusView): string {
  const lines = [`${s.id}  ${s.status}  stage ${s.stage}`, formatVideoProgress(s)];
  if (s.result) {
    lines.push(
      `file: ${s.result.file}  (${s.result.durationSeconds.toFixed(1)} s, ${s.result.width}x${s.result.height}, ${formatBytes(s.result.bytes)})`,
    );
  }
  if (s.error) lines.push(`error${s.error.stage ? ` in ${s.error.stage}` : ''}: ${s.error.message}`);
  return lines.join('\n');
}

/** `812.9 kB`, `1.2 MB`: decimal units, like ls -h --si. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = -1;
  do {
    v /= 1000;
    u++;
  } while (v >= 1000 && u < units.length - 1);
  return `${v.toFixed(1)} ${units[u]}`;
}
