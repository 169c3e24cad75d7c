import { UsageError } from './usage-error';

export type FlagType = 'string' | 'number' | 'integer' | 'boolean';

export interface FlagSpec {
  type: FlagType;
  /** One-letter alias, e.g. `o` for `-o`. */
  alias?: string;
  /** Placeholder shown in help, e.g. `FILE`. */
  value?: string;
  description: string;
}

/** Long flag names without the dashes (`target-seconds`), each with its spec. */
export type FlagSpecs = Record<string, FlagSpec>;

export type FlagValue = string | number | boolean;

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, FlagValue>;
}

/** Flags every command accepts. */
export const GLOBAL_FLAGS: FlagSpecs = {
  json: { type: 'boolean', description: 'print machine-readable JSON on stdout' },
  help: { type: 'boolean', alias: 'h', description: 'show help' },
};

/**
 * Parses one command's arguments against its flag specs: `--name value`, `--name=value`, `-x value`,
 * boolean `--name`, and `--` to end the flags. Anything unknown or malformed is a UsageError naming the flag,
 * so a typo never silently turns into a default.
 */
export function parseArgs(options: { argv: readonly string[]; flags: FlagSpecs; command: string }): ParsedArgs {
  const specs: FlagSpecs = { ...GLOBAL_FLAGS, ...options.flags };
  const aliases = new Map(Object.entries(specs).flatMap(([name, s]) => (s.alias ? [[s.alias, name] as const] : [])));
  const positionals: string[] = [];
  const flags: Record<string, FlagValue> = {};
  const argv = options.argv;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    let shown: string;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
      shown = `--${name}`;
    } else {
      shown = arg.slice(0, 2);
      const long = aliases.get(arg.slice(1, 2));
      if (!long) throw new UsageError(`unknown option ${shown} for "${options.command}"`, options.command);
      name = long;
      inline = arg.length > 2 ? arg.slice(2).replace(/^=/, '') : undefined;
    }
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown option ${shown} for "${options.command}"`, options.command);

    if (spec.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`option ${shown} takes no value`, options.command);
      flags[name] = true;
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        throw new UsageError(`option ${shown} needs a value${spec.value ? ` (${spec.value})` : ''}`, options.command);
      }
      raw = next;
      i++;
    }
    flags[name] = convert(raw, spec, shown, options.command);
  }
  return { positionals, flags };
}

function convert(raw: string, spec: FlagSpec, shown: string, command: string): FlagValue {
  if (spec.type === 'string') return raw;
  const n = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(n)) throw new UsageError(`option ${shown} must be a number, got "${raw}"`, command);
  if (spec.type === 'integer' && !Number.isInteger(n)) {
    throw new UsageError(`option ${shown} must be a whole number, got "${raw}"`, command);
  }
  return n;
}

/** Exactly `count` positionals named by `names` (e.g. `['id']`), or a UsageError saying which is missing or extra. */
export function expectPositionals(args: ParsedArgs, names: readonly string[], command: string): string[] {
  if (args.positionals.length < names.length) {
    throw new UsageError(`missing <${names[args.positionals.length]}>`, command);
  }
  if (args.positionals.length > names.length) {
    throw new UsageError(`unexpected argument "${args.positionals[names.length]}"`, command);
  }
  return args.positionals;
}

/** A string flag's value, if given. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** A number flag's value, if given. */
export function numberFlag(args: ParsedArgs, name: string): number | undefined {
  const v = args.flags[name];
  return typeof v === 'number' ? v : undefined;
}

/** Help text lines for a set of flags, aligned. */
export function formatFlagHelp(flags: FlagSpecs): string {
  const rows = Object.entries({ ...flags, ...GLOBAL_FLAGS }).map(([name, s]) => {
    const left = `${s.alias ? `-${s.alias}, ` : '    '}--${name}${s.value ? ` ${s.value}` : ''}`;
    return [left, s.description] as const;
  });
  const width = Math.max(...rows.map(([l]) => l.length));
  return rows.map(([l, d]) => `  ${l.padEnd(width)}  ${d}`).join('\n');
}
