import { describe, expect, it } from 'vitest';
import { mapFieldErrors } from './field-errors';

const KNOWN = new Set(['script', 'render.fps', 'render.background', 'scenes']);

describe('mapFieldErrors', () => {
  it('puts each message next to the control its field path names', () => {
    expect(mapFieldErrors([{ field: 'render.fps', message: 'must be at most 60' }], KNOWN)).toEqual({ 'render.fps': 'must be at most 60' });
  });
  it('gives a problem inside a value to the nearest control (render.background.color -> render.background)', () => {
    expect(mapFieldErrors([{ field: 'render.background.color', message: 'not a colour' }], KNOWN)).toEqual({ 'render.background': 'not a colour' });
  });
  it('joins two messages for one control and keeps unknown fields at the top with their path', () => {
    const errors = mapFieldErrors(
      [
        { field: 'script', message: 'too short' },
        { field: 'script', message: 'not English' },
        { field: 'llm.model', message: 'unknown model' },
      ],
      KNOWN,
    );
    expect(errors).toEqual({ script: 'too short; not English', '': 'llm.model: unknown model' });
  });
});
