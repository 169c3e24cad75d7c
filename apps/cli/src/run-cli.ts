import { ApiClient, type FetchFn } from './api-client';
import { ApiError, RunFailedError } from './api-error';
import { readCliConfig } from './cli-config';
import type { CliIo, Command } from './command';
import { COMMANDS } from './commands';
import { formatApiError } from './format-api-error';
import { formatFlagHelp, GLOBAL_FLAGS, parseArgs } from './parse-args';
import { UsageError } from './usage-error';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface RunCliOptions {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  io: CliIo;
  fetch?: FetchFn;
  commands?: readonly Command[];
}

/**
 * Runs one command line and resolves to the exit code: 0 done, 1 the server refused or a video/batch
 * failed (with the server's message on stderr), 2 the command line itself was wrong.
 */
export async function runCli(options: RunCliOptions): Promise<number> {
  const { io } = options;
  const commands = options.commands ?? COMMANDS;
  const json = options.argv.includes('--json');
  let command: Command | undefined;
  try {
    const found = findCommand(commands, options.argv);
    if (found === 'help') {
      io.stdout.write(`${formatMainHelp(commands)}\n`);
      return EXIT_OK;
    }
    command = found.command;
    const args = parseArgs({ argv: found.rest, flags: command.flags, command: command.name });
    if (args.flags.help) {
      io.stdout.write(`${formatCommandHelp(command)}\n`);
      return EXIT_OK;
    }
    const config = readCliConfig(options.env);
    const api = new ApiClient(config, options.fetch);
    return await command.run({ api, io, json: args.flags.json === true, pollIntervalMs: config.pollIntervalMs }, args);
  } catch (e) {
    if (e instanceof UsageError) {
      const cmd = e.command ?? command?.name;
      io.stderr.write(`vidflow: ${e.message}\nRun "vidflow ${cmd ? `${cmd} ` : ''}--help" for usage.\n`);
      return EXIT_USAGE;
    }
    if (e instanceof ApiError) {
      if (json) io.stdout.write(`${JSON.stringify(e.body ?? { error: { code: e.code, message: e.message } }, null, 2)}\n`);
      io.stderr.write(`${formatApiError(e)}\n`);
      return EXIT_FAILURE;
    }
    if (e instanceof RunFailedError) {
      io.stderr.write(`error: ${e.message}\n`);
      return EXIT_FAILURE;
    }
    io.stderr.write(`error: ${(e as Error)?.message ?? String(e)}\n`);
    return EXIT_FAILURE;
  }
}

/**
 * The command named by the first one or two words (`status`, `schedules pause`). Global flags may come
 * before it (`vidflow --json status <id>`); they are parsed with the command's own flags.
 */
export function findCommand(commands: readonly Command[], argv: readonly string[]): { command: Command; rest: string[] } | 'help' {
  const lead: string[] = [];
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-')) {
    const flag = argv[i]!;
    const name = flag.replace(/^--?/, '');
    const known = Object.entries(GLOBAL_FLAGS).some(([n, s]) => n === name || s.alias === name);
    if (!known) throw new UsageError(`unknown option ${flag}; options go after the command`);
    lead.push(flag);
    i++;
  }
  const word = argv[i];
  if (word === undefined || word === 'help') {
    if (word === 'help' && argv[i + 1] !== undefined) return findCommand(commands, [...argv.slice(i + 1), '--help']);
    if (word === undefined && lead.length > 0 && !lead.some((f) => f === '--help' || f === '-h')) {
      throw new UsageError('missing command');
    }
    return 'help';
  }
  const two = `${word} ${argv[i + 1] ?? ''}`;
  const command = commands.find((c) => c.name === two) ?? commands.find((c) => c.name === word);
  if (!command) {
    const group = commands.filter((c) => c.name.startsWith(`${word} `));
    if (group.length) {
      const sub = argv[i + 1];
      if (sub === undefined || sub === '--help' || sub === '-h') {
        throw new UsageError(`"${word}" needs one of: ${group.map((c) => c.name.split(' ')[1]).join(', ')}`);
      }
      throw new UsageError(`unknown command "${word} ${sub}"; use one of: ${group.map((c) => c.name.split(' ')[1]).join(', ')}`);
    }
    throw new UsageError(`unknown command "${word}"`);
  }
  const skip = command.name.includes(' ') ? 2 : 1;
  return { command, rest: [...lead, ...argv.slice(i + skip)] };
}

export function formatMainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'vidflow: make videos through the vidflow REST API',
    '',
    'Usage: vidflow <command> [options]     vidflow <command> --help',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options for every command:',
    formatFlagHelp({}),
    '',
    'Environment:',
    '  VIDFLOW_API_URL   the API (default http://localhost:3000)',
    '  VIDFLOW_API_KEY   sent as "Authorization: Bearer <key>" when set',
    '',
    'Exit codes: 0 ok, 1 failure (the server refused, a video or batch failed), 2 usage error.',
  ].join('\n');
}

export function formatCommandHelp(command: Command): string {
  return [
    `Usage: vidflow ${command.name}${command.args ? ` ${command.args}` : ''}`,
    '',
    command.summary,
    '',
    'Options:',
    formatFlagHelp(command.flags),
    ...(command.details ? ['', command.details] : []),
  ].join('\n');
}
