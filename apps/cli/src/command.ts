import type { ApiClient } from './api-client';
import type { FlagSpecs, ParsedArgs } from './parse-args';
import type { OutputStream } from './progress-display';

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  sleep(ms: number): Promise<void>;
  /** Where relative paths (`-o`, batch files) resolve. */
  cwd: string;
}

export interface CommandContext {
  api: ApiClient;
  io: CliIo;
  /** `--json`: machine-readable output on stdout, no progress bars. */
  json: boolean;
  pollIntervalMs: number;
}

export interface Command {
  /** `create`, or a command and its subcommand: `schedules pause`. */
  name: string;
  /** `<id> [-o FILE]`: what follows the name in the usage line. */
  args: string;
  summary: string;
  /** Extra help text after the flags (file formats, exit codes). */
  details?: string;
  flags: FlagSpecs;
  /** Resolves to the exit code. */
  run(ctx: CommandContext, args: ParsedArgs): Promise<number>;
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(io: CliIo, line = ''): void {
  io.stdout.write(`${line}\n`);
}
