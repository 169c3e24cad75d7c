import type { EnergyProfile } from './energy-profile';
import { planChunks } from './plan-chunks';

/** A profile of 0.1 s windows: speech at -20 dB except the given quiet windows. */
function profile(seconds: number, quiet: Record<number, number> = {}): EnergyProfile {
  const levels = Array.from({ length: Math.round(seconds * 10) }, (_, i) => quiet[i] ?? -20);
  return { windowSeconds: 0.1, levels };
}

describe('planChunks', () => {
  it('keeps a file shorter than a chunk whole', () => {
    expect(planChunks({ durationSeconds: 12.5, silences: [], maxChunkSeconds: 30 })).toEqual([{ index: 0, start: 0, end: 12.5, cut: 'end' }]);
  });

  it('cuts in the middle of the latest silence that keeps each chunk within the limit', () => {
    const silences = [
      { start: 8, end: 9 },
      { start: 24, end: 26 },
      { start: 31, end: 32 },
      { start: 50, end: 51 },
    ];
    expect(planChunks({ durationSeconds: 70, silences, maxChunkSeconds: 30 })).toEqual([
      { index: 0, start: 0, end: 25, cut: 'silence' },
      { index: 1, start: 25, end: 50.5, cut: 'silence' },
      { index: 2, start: 50.5, end: 70, cut: 'end' },
    ]);
  });

  it('cuts a silence that straddles the limit at the limit, still inside the silence', () => {
    expect(planChunks({ durationSeconds: 40, silences: [{ start: 28, end: 34 }], maxChunkSeconds: 30 })[0]).toEqual({
      index: 0,
      start: 0,
      end: 30,
      cut: 'silence',
    });
  });

  it('ignores a silence so early that the chunk would be tiny, and cuts a gapless stretch at its quietest point', () => {
    // 45 s of speech, a pause at 1 s only; quietest windows at 19.05 s (-40 dB) and 27.05 s (-45 dB).
    const energy = profile(45, { 190: -40, 270: -45, 5: -60 });
    expect(planChunks({ durationSeconds: 45, silences: [{ start: 0.9, end: 1.3 }], maxChunkSeconds: 30, energy })).toEqual([
      { index: 0, start: 0, end: 27.05, cut: 'quietest' },
      { index: 1, start: 27.05, end: 45, cut: 'end' },
    ]);
  });

  it('looks for the quietest point only in the second half of a chunk', () => {
    const energy = profile(40, { 50: -90, 200: -30 });
    expect(planChunks({ durationSeconds: 40, silences: [], maxChunkSeconds: 30, energy })[0]!.end).toBe(20.05);
  });

  it('cuts at the limit when there is neither a silence nor a profile', () => {
    expect(planChunks({ durationSeconds: 65, silences: [], maxChunkSeconds: 30 }).map((c) => [c.start, c.end])).toEqual([
      [0, 30],
      [30, 60],
      [60, 65],
    ]);
  });

  it('never makes a chunk longer than the limit, and covers the whole file without gaps', () => {
    const silences = Array.from({ length: 40 }, (_, i) => ({ start: i * 7.3 + 3, end: i * 7.3 + 3.4 }));
    const chunks = planChunks({ durationSeconds: 300, silences, maxChunkSeconds: 20, energy: profile(300) });
    expect(chunks[0]!.start).toBe(0);
    expect(chunks[chunks.length - 1]!.end).toBe(300);
    for (let i = 0; i < chunks.length; i++) {
      expect(chunks[i]!.end - chunks[i]!.start).toBeLessThanOrEqual(20);
      if (i > 0) expect(chunks[i]!.start).toBe(chunks[i - 1]!.end);
      if (chunks[i]!.cut === 'silence') {
        const end = chunks[i]!.end;
        expect(silences.some((s) => s.start <= end && end <= s.end)).toBe(true);
      }
    }
  });
});
