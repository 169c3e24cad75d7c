/** The most spans open at one instant (a span ending at the instant another starts does not overlap it). */
export function maxOverlap(spans: ReadonlyArray<{ start: number; end: number }>): number {
  const events = spans.flatMap((s) => [
    { t: s.start, d: 1 },
    { t: s.end, d: -1 },
  ]);
  events.sort((a, b) => a.t - b.t || a.d - b.d);
  let current = 0;
  let max = 0;
  for (const e of events) max = Math.max(max, (current += e.d));
  return max;
}
