import { describe, expect, it } from 'vitest';
import { detectFormat, InputError, toBatchRequest, type BatchInput } from './batch-input';

const input = (o: Partial<BatchInput>): BatchInput => ({ text: '', format: 'auto', defaults: '', maxConcurrent: '', stopOnError: false, ...o });
const fieldOf = (o: Partial<BatchInput>) => {
  try {
    toBatchRequest(input(o));
  } catch (e) {
    return e instanceof InputError ? `${e.field}: ${e.message}` : `not an InputError: ${String(e)}`;
  }
  return 'accepted';
};

describe('toBatchRequest', () => {
  it('reads CSV as the CLI does (create option names as columns) with the form settings on top', () => {
    expect(toBatchRequest(input({ text: 'script,height,captions\n"One. Two.",320,no\n', maxConcurrent: '3', stopOnError: true, defaults: '{"language":"de"}' }))).toEqual({
      items: [{ script: 'One. Two.', render: { height: 320, captions: { enabled: false } } }],
      defaults: { language: 'de' },
      maxConcurrent: 3,
      stopOnError: true,
    });
  });
  it('reads JSON arrays and whole batch requests', () => {
    expect(toBatchRequest(input({ text: '[{"topic":"owls"}]' }))).toEqual({ items: [{ topic: 'owls' }] });
    expect(toBatchRequest(input({ text: '{"items":[{"topic":"owls"}],"defaults":{"language":"fr"}}', defaults: '{"voice":{"speed":1.2}}' }))).toEqual({
      items: [{ topic: 'owls' }],
      defaults: { language: 'fr', voice: { speed: 1.2 } },
    });
  });
  it('names the field of each problem', () => {
    expect(fieldOf({})).toMatch(/^items: paste or upload/);
    expect(fieldOf({ text: 'script,colour\n"Hi.",red' })).toMatch(/^items: CSV: unknown CSV column "colour"/);
    expect(fieldOf({ text: 'script,height\n"Hi.",tall' })).toMatch(/^items: CSV: line 2, column height: expected a whole number/);
    expect(fieldOf({ text: '[{', format: 'json' })).toMatch(/^items: JSON: .*not valid JSON/);
    expect(fieldOf({ text: '[]', defaults: '[1]' })).toMatch(/^defaults: defaults must be a JSON object/);
    expect(fieldOf({ text: '[]', defaults: '{' })).toMatch(/^defaults: defaults is not valid JSON/);
    expect(fieldOf({ text: '[]', maxConcurrent: '0' })).toMatch(/^maxConcurrent: /);
  });
  it('detects the format from the file name, then from the first character', () => {
    expect(detectFormat({ text: '[]', format: 'auto', fileName: 'a.csv' })).toBe('csv');
    expect(detectFormat({ text: 'topic\nx', format: 'auto', fileName: 'a.json' })).toBe('json');
    expect(detectFormat({ text: '  {"items":[]}', format: 'auto' })).toBe('json');
    expect(detectFormat({ text: 'topic\nowls', format: 'auto' })).toBe('csv');
  });
});
