/** Parses ffmpeg's `time=` progress value (`HH:MM:SS.xx`, possibly negative or `N/A`) to seconds. */
export function parseTimemark(timemark: string | undefined): number | undefined {
  if (!timemark) return undefined;
  const m = /^(-)?(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(timemark.trim());
  if (!m) return undefined;
  const seconds = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  return m[1] ? 0 : seconds;
}
