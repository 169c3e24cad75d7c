// How every client (the CLI, the launcher) draws a progress figure, so that they show the same bar for the same status.

/** `[##########--------------------]` for a fraction 0..1 (clamped; NaN counts as 0). */
export function formatProgressBar(fraction: number, width = 30): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.round(f * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** ` 42%`: always four characters wide so the text after it does not jump. */
export function formatPercent(fraction: number): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  return `${Math.floor(f * 100)}%`.padStart(4);
}
