import type { VideoRequestInput } from '@vidflow/contracts';
import type { ParsedArgs } from './parse-args';
import { BACKGROUND_OPTIONS, CAPTIONS_PATH, REQUEST_OPTIONS, setPath } from './request-options';
import { UsageError } from './usage-error';

export const INPUT_FLAGS = ['topic', 'script', 'script-file', 'scenes'] as const;

/**
 * The body of `POST /api/videos` from `create`'s flags. `readText` reads `--script-file` and `--scenes`
 * (injected so this stays pure). Only the command line's own rules are checked here (one input, one
 * background); the values themselves are the API's to validate, so its messages name the request field.
 */
export function buildVideoRequest(args: ParsedArgs, readText: (path: string) => string): VideoRequestInput {
  const given = INPUT_FLAGS.filter((f) => args.flags[f] !== undefined);
  if (given.length !== 1) {
    throw new UsageError(
      given.length === 0
        ? 'one of --topic, --script, --script-file or --scenes is required'
        : `only one of --topic, --script, --script-file or --scenes is allowed, got ${given.map((f) => `--${f}`).join(' and ')}`,
      'create',
    );
  }
  const backgrounds = BACKGROUND_OPTIONS.filter((f) => args.flags[f] !== undefined);
  if (backgrounds.length > 1) {
    throw new UsageError(`only one background is allowed, got ${backgrounds.map((f) => `--${f}`).join(' and ')}`, 'create');
  }

  const body: Record<string, unknown> = {};
  const input = given[0]!;
  const value = String(args.flags[input]);
  if (input === 'topic') body.topic = value;
  if (input === 'script') body.script = value;
  if (input === 'script-file') body.script = readFileFor('--script-file', value, readText);
  if (input === 'scenes') body.scenes = parseScenesFile(readFileFor('--scenes', value, readText), value);

  for (const option of REQUEST_OPTIONS) {
    const v = args.flags[option.name];
    if (v !== undefined) setPath(body, option.path, v);
  }
  if (args.flags['no-captions'] === true) setPath(body, CAPTIONS_PATH, false);
  return body as VideoRequestInput;
}

function readFileFor(flag: string, path: string, readText: (path: string) => string): string {
  try {
    return readText(path);
  } catch (e) {
    throw new UsageError(`${flag}: cannot read ${path}: ${(e as Error).message}`, 'create');
  }
}

/** A scenes file: `[{ "text": ..., "background": ... }]`, `["text", ...]` or `{ "scenes": [...] }`. */
export function parseScenesFile(text: string, path: string): unknown[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--scenes: ${path} is not valid JSON: ${(e as Error).message}`, 'create');
  }
  const scenes = Array.isArray(data) ? data : (data as { scenes?: unknown } | null)?.scenes;
  if (!Array.isArray(scenes)) {
    throw new UsageError(`--scenes: ${path} must hold an array of scenes or { "scenes": [...] }`, 'create');
  }
  return scenes.map((s) => (typeof s === 'string' ? { text: s } : s));
}
