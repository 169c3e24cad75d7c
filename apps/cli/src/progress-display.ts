/** Where output goes: process.stdout, or a fake in tests. */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Shows a changing status line. On a terminal it redraws one line in place (`\r` + erase to end of line),
 * cut to the terminal's width because a wrapped line cannot be redrawn with `\r`. Anywhere else (pipes,
 * CI logs, files) it prints a plain line only when the text changed, so logs hold no control characters.
 */
export class ProgressDisplay {
  private last: string | undefined;
  private drawn = false;

  constructor(private readonly out: OutputStream) {}

  update(line: string): void {
    if (line === this.last) return;
    this.last = line;
    if (this.out.isTTY) {
      const width = this.out.columns && this.out.columns > 1 ? this.out.columns - 1 : undefined;
      this.out.write(`\r${width ? line.slice(0, width) : line}\x1b[K`);
      this.drawn = true;
      return;
    }
    this.out.write(`${line}\n`);
  }

  /** Ends the in-place line so what follows starts on a line of its own. */
  done(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
