/** A stretch of silence in the audio, in seconds from its start. */
export interface Silence {
  start: number;
  end: number;
}

const START = /\bsilence_start:\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)/i;
const END = /\bsilence_end:\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)/i;

/**
 * The silences that `silencedetect` printed on stderr, in order. A silence still open when the audio ends has no
 * `silence_end` line: it ends at `durationSeconds`. Starts below 0 (the filter subtracts the minimum duration from
 * the first sample it saw) are clamped to 0.
 */
export function parseSilenceDetect(stderr: string | string[], durationSeconds: number): Silence[] {
  const lines = Array.isArray(stderr) ? stderr : stderr.split(/\r?\n/);
  const silences: Silence[] = [];
  let open: number | undefined;
  for (const line of lines) {
    const s = START.exec(line);
    if (s) {
      open = Math.max(0, Number(s[1]));
      continue;
    }
    const e = END.exec(line);
    if (e && open !== undefined) {
      const end = Math.min(durationSeconds, Number(e[1]));
      if (end > open) silences.push({ start: open, end });
      open = undefined;
    }
  }
  if (open !== undefined && durationSeconds > open) silences.push({ start: open, end: durationSeconds });
  return silences;
}
