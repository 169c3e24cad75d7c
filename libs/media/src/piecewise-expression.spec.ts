import { PIECEWISE_SUM_MAX_TERMS, pieceWise } from './build-render-args';
import type { StillFrame } from './plan-still-frames';

const frames = (n: number): StillFrame[] => Array.from({ length: n }, (_, i) => ({ frame: i * 3, evalMs: i * 100 + 7, run: 0 }));

/** Evaluates the two forms pieceWise writes (`eq(N,i)*v+...` and nested `if(lt(N,m),a,b)`) for frame N. */
function evaluate(expr: string, N: number): number {
  let at = 0;
  const int = () => {
    const m = /^\d+/.exec(expr.slice(at))!;
    at += m[0].length;
    return Number(m[0]);
  };
  const eat = (s: string) => {
    if (!expr.startsWith(s, at)) throw new Error(`expected ${s} at ${at}: ${expr.slice(at, at + 20)}`);
    at += s.length;
  };
  const node = (): number => {
    if (!expr.startsWith('if(', at)) return int();
    eat('if(lt(N,');
    const mid = int();
    eat('),');
    const left = node();
    eat(',');
    const right = node();
    eat(')');
    return N < mid ? left : right;
  };
  if (expr.startsWith('eq(')) {
    return expr.split('+').reduce((sum, term) => {
      const [, i, v] = /^eq\(N,(\d+)\)\*(\d+)$/.exec(term)!;
      return sum + (Number(i) === N ? Number(v) : 0);
    }, 0);
  }
  const value = node();
  if (at !== expr.length) throw new Error(`trailing text at ${at}`);
  return value;
}

describe('pieceWise (the per-frame value of the still-frame render)', () => {
  it('writes a short list as a sum of eq() terms', () => {
    expect(pieceWise(frames(3), (f) => f.evalMs)).toBe('eq(N,0)*7+eq(N,1)*107+eq(N,2)*207');
  });

  it('writes a long list (word-by-word captions) as a balanced if() tree, not a sum ffmpeg refuses', () => {
    const expr = pieceWise(frames(5), (f) => f.evalMs);
    expect(expr).toBe('eq(N,0)*7+eq(N,1)*107+eq(N,2)*207+eq(N,3)*307+eq(N,4)*407');
    const long = pieceWise(frames(PIECEWISE_SUM_MAX_TERMS + 1), (f) => f.evalMs);
    expect(long.startsWith('if(lt(N,32),if(lt(N,16),')).toBe(true);
    expect(long).not.toContain('eq(');
  });

  it.each([1, 2, PIECEWISE_SUM_MAX_TERMS, PIECEWISE_SUM_MAX_TERMS + 1, 333, 2000])('gives every frame of %i its own value', (n) => {
    const list = frames(n);
    const expr = pieceWise(list, (f) => f.evalMs);
    for (let N = 0; N < n; N++) expect(evaluate(expr, N)).toBe(list[N]!.evalMs);
  });

  it('nests no deeper than log2 of the length (ffmpeg guards its parser depth)', () => {
    const expr = pieceWise(frames(2000), (f) => f.frame);
    let depth = 0;
    let deepest = 0;
    for (const c of expr) {
      if (c === '(') deepest = Math.max(deepest, ++depth);
      if (c === ')') depth--;
    }
    expect(deepest).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(2000)) + 2);
  });
});
