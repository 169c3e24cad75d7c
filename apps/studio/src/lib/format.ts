/** Sizes as people read them (decimal units, as the API's documents and ffmpeg print them). */
export function fmtBytes(b: number): string {
  if (b >= 1e9) return `${(b / 1e9).toFixed(2)} GB`;
  if (b >= 1e6) return `${(b / 1e6).toFixed(1)} MB`;
  if (b >= 1e3) return `${(b / 1e3).toFixed(0)} KB`;
  return `${b} B`;
}

export const fmtPercent = (ratio: number) => `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.1 ? 1 : 0)}%`;

export const fmtTime = (iso: string) => new Date(iso).toLocaleString();

/** The message of anything thrown (an ApiError says the API's message, naming the field). */
export const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
