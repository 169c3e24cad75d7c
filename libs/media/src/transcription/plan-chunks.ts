import type { EnergyProfile } from './energy-profile';
import type { Silence } from './parse-silence-detect';

export interface PlannedChunk {
  index: number;
  start: number;
  end: number;
  /** Why the chunk ends where it does: in a silence, at the quietest point of a stretch without one, or at the end. */
  cut: 'silence' | 'quietest' | 'end';
}

export interface PlanChunksOptions {
  durationSeconds: number;
  /** From silencedetect, in order. */
  silences: Silence[];
  maxChunkSeconds: number;
  /** Window levels of the audio, for the fallback cut in a stretch without silence. */
  energy?: EnergyProfile;
  /** No chunk is cut shorter than this, except the last (default: a quarter of maxChunkSeconds). */
  minChunkSeconds?: number;
}

/**
 * Splits audio into chunks of at most `maxChunkSeconds` for parallel transcription. Each cut lands inside a
 * silence (the latest one that keeps the chunk within bounds, at the silence's middle when it fits), so no word is
 * split between two chunks. Where speech runs on for longer than a chunk with no silence, the cut goes to the
 * quietest window of the chunk's second half (a breath or a soft consonant is better than mid-vowel), or to the
 * bound itself without an energy profile. Pure: the chunks are decided by the numbers alone.
 */
export function planChunks(o: PlanChunksOptions): PlannedChunk[] {
  const max = o.maxChunkSeconds;
  if (!(max > 0)) throw new RangeError('maxChunkSeconds must be positive');
  const min = Math.min(o.minChunkSeconds ?? max / 4, max);
  const duration = o.durationSeconds;
  const chunks: PlannedChunk[] = [];
  let start = 0;
  while (duration - start > max) {
    const lo = start + min;
    const hi = start + max;
    const bySilence = cutInSilence(o.silences, lo, hi);
    const cut = bySilence ?? quietestPoint(o.energy, start + max / 2, hi) ?? hi;
    const at = Math.max(lo, Math.min(hi, ms(cut)));
    chunks.push({ index: chunks.length, start, end: at, cut: bySilence !== undefined ? 'silence' : 'quietest' });
    start = at;
  }
  if (duration > start || chunks.length === 0) chunks.push({ index: chunks.length, start, end: ms(duration), cut: 'end' });
  return chunks;
}

/** A cut point inside the latest silence overlapping (lo, hi]: the silence's middle, moved into the bounds if need be. */
function cutInSilence(silences: Silence[], lo: number, hi: number): number | undefined {
  for (let i = silences.length - 1; i >= 0; i--) {
    const s = silences[i]!;
    const from = Math.max(s.start, lo);
    const to = Math.min(s.end, hi);
    if (from > to || to <= lo) continue;
    const middle = (s.start + s.end) / 2;
    return Math.min(to, Math.max(from, middle));
  }
  return undefined;
}

/** Centre of the quietest window whose centre lies in [from, to]; the latest of equals (longer chunks). */
function quietestPoint(energy: EnergyProfile | undefined, from: number, to: number): number | undefined {
  if (!energy || energy.levels.length === 0) return undefined;
  const w = energy.windowSeconds;
  let best: number | undefined;
  let bestLevel = Infinity;
  const first = Math.max(0, Math.ceil(from / w - 0.5));
  const last = Math.min(energy.levels.length - 1, Math.floor(to / w - 0.5));
  for (let i = first; i <= last; i++) {
    const level = energy.levels[i]!;
    if (level <= bestLevel) {
      bestLevel = level;
      best = (i + 0.5) * w;
    }
  }
  return best;
}

function ms(s: number): number {
  return Math.round(s * 1000) / 1000;
}
