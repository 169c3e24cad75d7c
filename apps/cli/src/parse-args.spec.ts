import { expectPositionals, parseArgs, type FlagSpecs } from './parse-args';
import { UsageError } from './usage-error';

const flags: FlagSpecs = {
  topic: { type: 'string', description: '' },
  speed: { type: 'number', description: '' },
  fps: { type: 'integer', description: '' },
  wait: { type: 'boolean', description: '' },
  output: { type: 'string', alias: 'o', description: '' },
};
const parse = (...argv: string[]) => parseArgs({ argv, flags, command: 'create' });

function usageErrorOf(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error('expected a UsageError');
}

describe('parseArgs', () => {
  it('reads --name value, --name=value, -x value, -xvalue, booleans and global flags', () => {
    expect(parse('vid-1', '--topic', 'the sea', '--speed=1.5', '-o', 'a.mp4', '--wait', '--json', '--fps', '24')).toEqual({
      positionals: ['vid-1'],
      flags: { topic: 'the sea', speed: 1.5, output: 'a.mp4', wait: true, json: true, fps: 24 },
    });
    expect(parse('-ob.mp4').flags.output).toBe('b.mp4');
  });

  it('takes values that look like negative numbers or a lone dash, and everything after -- as positionals', () => {
    expect(parse('--speed', '-1').flags.speed).toBe(-1);
    expect(parse('--topic', '-').flags.topic).toBe('-');
    expect(parse('--', '--wait', 'x').positionals).toEqual(['--wait', 'x']);
  });

  it('names the flag that is unknown', () => {
    const e = usageErrorOf(() => parse('--topc', 'x'));
    expect(e.message).toBe('unknown option --topc for "create"');
    expect(e.command).toBe('create');
    expect(usageErrorOf(() => parse('-z')).message).toBe('unknown option -z for "create"');
    expect(usageErrorOf(() => parse('--topc=x')).message).toBe('unknown option --topc for "create"');
  });

  it('names the flag whose value is missing, including when the next word is another flag', () => {
    expect(usageErrorOf(() => parse('--topic')).message).toBe('option --topic needs a value');
    expect(usageErrorOf(() => parse('--topic', '--wait')).message).toBe('option --topic needs a value');
  });

  it('names the flag whose value is not a number, or not a whole one', () => {
    expect(usageErrorOf(() => parse('--speed', 'fast')).message).toBe('option --speed must be a number, got "fast"');
    expect(usageErrorOf(() => parse('--speed', '')).message).toBe('option --speed must be a number, got ""');
    expect(usageErrorOf(() => parse('--fps', '29.97')).message).toBe('option --fps must be a whole number, got "29.97"');
  });

  it('refuses a value on a boolean flag', () => {
    expect(usageErrorOf(() => parse('--wait=no')).message).toBe('option --wait takes no value');
  });
});

describe('expectPositionals', () => {
  it('names the missing or the extra argument', () => {
    expect(expectPositionals({ positionals: ['a'], flags: {} }, ['id'], 'status')).toEqual(['a']);
    expect(usageErrorOf(() => expectPositionals({ positionals: [], flags: {} }, ['id'], 'status')).message).toBe('missing <id>');
    expect(usageErrorOf(() => expectPositionals({ positionals: ['a', 'b'], flags: {} }, ['id'], 'status')).message).toBe(
      'unexpected argument "b"',
    );
  });
});
