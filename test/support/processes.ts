import { readdirSync, readFileSync } from 'node:fs';

/**
 * Running processes (`pid: command line`) whose command line mentions `text` (a data directory, a video id),
 * optionally only those of `program` (`ffmpeg`, `espeak-ng`): what a cancelled render or a killed worker
 * may have left running.
 */
export function processesMentioning(text: string, program?: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const cmd = argv.join(' ');
      if (cmd.includes(text) && (program === undefined || (argv[0] ?? '').endsWith(program))) found.push(`${pid}: ${cmd}`);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** ffmpeg processes whose command line mentions this data dir (a cancelled render must leave none). */
export function ffmpegProcessesWriting(dataDir: string): string[] {
  return processesMentioning(dataDir, 'ffmpeg');
}
