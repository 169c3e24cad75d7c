/**
 * Escapes a value (typically a file path) for use as an option value inside an ffmpeg filtergraph.
 * Two levels apply (ffmpeg-filters(1), "Notes on filtergraph escaping"): first the filter's own option
 * parser (`\`, `'` and `:` are special), then the filtergraph parser (`\`, `'`, `[`, `]`, `,`, `;`).
 * Quoting with '...' is avoided because a quote inside the value cannot be quoted again.
 */
export function escapeFilterValue(value: string): string {
  const level1 = value.replace(/[\\':]/g, (c) => `\\${c}`);
  return level1.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}
