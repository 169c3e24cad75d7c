#!/usr/bin/env node
import { runCli } from './run-cli';

// The one place that touches the process: arguments, environment, streams and the exit code.

// Ctrl-C while a progress line is drawn in place: end that line so the shell prompt starts on its own.
// Stopping `watch` or `--wait` leaves the video running; `vidflow cancel` stops it.
process.once('SIGINT', () => {
  if (process.stdout.isTTY) process.stdout.write('\n');
  process.exit(130);
});

runCli({
  argv: process.argv.slice(2),
  env: process.env,
  io: {
    stdout: process.stdout,
    stderr: process.stderr,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    cwd: process.cwd(),
  },
}).then(
  (code) => {
    // exitCode, not exit(): lets stdout drain when it is a pipe.
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`vidflow: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
