/** A line of the transcript (the JSON format file's `segments`), times in seconds on the original file. */
export interface Segment {
  start: number;
  end: number;
  text: string;
}

/** The JSON format file's segments, checked: a file without them is an error naming the field, not an empty list. */
export function parseTranscript(json: unknown): Segment[] {
  const segments = (json as { segments?: unknown } | null)?.segments;
  if (!Array.isArray(segments)) throw new Error('the transcript JSON has no "segments" array');
  return segments.map((s: unknown, i) => {
    const { start, end, text } = (s ?? {}) as Record<string, unknown>;
    if (typeof start !== 'number' || typeof end !== 'number' || typeof text !== 'string') {
      throw new Error(`segments.${i}: expected { start: number, end: number, text: string }`);
    }
    return { start, end, text };
  });
}

/** `1:02:03` / `2:03`, as players show positions. */
export function clock(seconds: number): string {
  const t = Math.max(0, Math.floor(seconds));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = String(t % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The segment playing at `time` (the last one started), for highlighting; -1 before the first. */
export function segmentAt(segments: Segment[], time: number): number {
  let found = -1;
  for (let i = 0; i < segments.length; i++) if (segments[i]!.start <= time) found = i;
  return found;
}
