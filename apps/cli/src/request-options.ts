import type { FlagSpecs, FlagType } from './parse-args';

/**
 * The request options a user can set on one video, shared by `create`'s flags (`--target-seconds 30`)
 * and the columns of a batch CSV file (`target_seconds`), so both spell a field the same way.
 * Values are not checked here beyond their type: the API validates them and names the field that is wrong.
 */
export interface RequestOption {
  /** Flag name without dashes; the CSV column is the same name, with `-` or `_`. */
  name: string;
  /** Where the value goes in the VideoRequest body. */
  path: readonly string[];
  type: FlagType;
  value: string;
  description: string;
}

export const REQUEST_OPTIONS: readonly RequestOption[] = [
  { name: 'language', path: ['language'], type: 'string', value: 'TAG', description: 'language of the narration (en, de, zh, pt-BR, ...)' },
  { name: 'llm-provider', path: ['llm', 'provider'], type: 'string', value: 'NAME', description: 'script writer: offline | openai' },
  { name: 'llm-model', path: ['llm', 'model'], type: 'string', value: 'NAME', description: 'script writer model' },
  { name: 'style', path: ['llm', 'style'], type: 'string', value: 'TEXT', description: 'style of the written script' },
  { name: 'target-seconds', path: ['llm', 'targetSeconds'], type: 'integer', value: 'N', description: 'length the script writer aims for (5..600)' },
  { name: 'voice', path: ['voice', 'name'], type: 'string', value: 'NAME', description: 'voice name' },
  { name: 'voice-provider', path: ['voice', 'provider'], type: 'string', value: 'NAME', description: 'speech provider: espeak | flite | festival | openai' },
  { name: 'speed', path: ['voice', 'speed'], type: 'number', value: 'X', description: 'speech speed (0.5..2)' },
  { name: 'aspect', path: ['render', 'aspect'], type: 'string', value: 'W:H', description: 'aspect ratio: 9:16 | 16:9 | 1:1' },
  { name: 'height', path: ['render', 'height'], type: 'integer', value: 'PX', description: 'frame height in pixels (240..2160)' },
  { name: 'fps', path: ['render', 'fps'], type: 'integer', value: 'N', description: 'frames per second (1..60)' },
  { name: 'background-color', path: ['render', 'background', 'color'], type: 'string', value: '#RRGGBB', description: 'colour background' },
  { name: 'background-image', path: ['render', 'background', 'image'], type: 'string', value: 'URL|PATH', description: 'image background (URL or path under MEDIA_DIR)' },
  { name: 'background-video', path: ['render', 'background', 'video'], type: 'string', value: 'URL|PATH', description: 'video background (URL or path under MEDIA_DIR)' },
  { name: 'motion', path: ['render', 'background', 'motion'], type: 'string', value: 'MOTION', description: 'image background motion: kenburns | none' },
  { name: 'fade', path: ['render', 'transition', 'seconds'], type: 'number', value: 'SECONDS', description: 'cross-fade between scenes (0.1..2 s)' },
  { name: 'music', path: ['render', 'music', 'source'], type: 'string', value: 'URL|PATH', description: 'background music (URL or path under MEDIA_DIR)' },
  { name: 'music-volume', path: ['render', 'music', 'volume'], type: 'number', value: 'X', description: 'music volume (0..1)' },
  { name: 'cache-mode', path: ['cache', 'mode'], type: 'string', value: 'MODE', description: 'artifact cache: use | refresh | bypass' },
  { name: 'cache-ttl', path: ['cache', 'ttlSeconds'], type: 'integer', value: 'SECONDS', description: 'how long cached artifacts stay valid' },
];

/** The `--no-captions` flag; in CSV the column is `captions` (true/false). */
export const CAPTIONS_PATH = ['render', 'captions', 'enabled'] as const;

export const BACKGROUND_OPTIONS = ['background-color', 'background-image', 'background-video'] as const;

/** The request options as flags of `create`. */
export function requestOptionFlags(): FlagSpecs {
  const flags: FlagSpecs = {};
  for (const o of REQUEST_OPTIONS) flags[o.name] = { type: o.type, value: o.value, description: o.description };
  flags['no-captions'] = { type: 'boolean', description: 'no burned-in captions' };
  return flags;
}

/** Sets `value` at `path` inside `target`, creating the objects on the way. */
export function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}
