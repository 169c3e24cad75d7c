import { readdirSync, readFileSync } from 'node:fs';

/** Live (not zombie) processes whose parent is `ppid`, read from /proc/<pid>/stat. */
export function childProcessesOf(ppid: number): Array<{ pid: number; comm: string }> {
  const children: Array<{ pid: number; comm: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(`/proc/${entry}/stat`);
    if (stat && stat.ppid === ppid && stat.state !== 'Z') children.push({ pid: Number(entry), comm: stat.comm });
  }
  return children;
}

/** The nice value of every thread of `pid` (field 19 of /proc/<pid>/task/<tid>/stat, proc(5)). */
export function niceOfThreads(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`)
    .map((tid) => readStat(`/proc/${pid}/task/${tid}/stat`)?.nice)
    .filter((n): n is number => n !== undefined);
}

/** Polls (on the event loop, no timing assertion) until `find` returns something; undefined after `attempts`. */
export async function waitFor<T>(find: () => T | undefined, attempts = 3000): Promise<T | undefined> {
  for (let i = 0; i < attempts; i++) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

function readStat(path: string): { comm: string; state: string; ppid: number; nice: number } | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    // comm is in parentheses and may itself contain spaces or parentheses: split after the last ')'.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const rest = text.slice(close + 2).split(' ');
    // rest[0] is field 3 (state), so field n is rest[n - 3].
    return { comm, state: rest[0]!, ppid: Number(rest[1]), nice: Number(rest[16]) };
  } catch {
    return undefined; // the process ended while we looked
  }
}
