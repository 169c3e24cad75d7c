import type { CliIo } from '../command';

/** A CliIo for tests: what the CLI writes is kept (`out()`, `err()`), not a TTY, waits skipped unless `sleep` is given. */
export function captureIo(options: { cwd?: string; sleep?: CliIo['sleep'] } = {}): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { isTTY: false, write: (c: string) => (out += c) },
    stderr: { write: (c: string) => (err += c) },
    sleep: options.sleep ?? (async () => undefined),
    cwd: options.cwd ?? process.cwd(),
    out: () => out,
    err: () => err,
  };
}
