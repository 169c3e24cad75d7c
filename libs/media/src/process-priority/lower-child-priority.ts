import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Lowers a just-spawned child (ffmpeg, espeak-ng, pocketsphinx) to `nice` so that the API, Temporal and the
 * worker's own event loop keep the CPU while it encodes (issue #18: status reads fell to a tenth under a
 * render backlog at equal priority). 0 leaves the child alone.
 *
 * Why setpriority(2) on the child's pid right after spawn rather than a `nice -n N cmd` wrapper:
 * - fluent-ffmpeg spawns `ffmpegPath` with the arguments it builds, so nothing can be put in front of them;
 * - a wrapper needs a `nice` binary in the image (distroless images have none);
 * - libuv's spawn returns only after the child has exec'd (it waits on a close-on-exec pipe), so the child
 *   runs at the old priority for microseconds only; espeak-ng, pocketsphinx and ffmpeg start no processes of
 *   their own, and anything they did start later would inherit the lowered value.
 * The one catch: on Linux the nice value belongs to a thread, and setpriority(PRIO_PROCESS, pid) changes only
 * the thread whose id is `pid`. Threads created afterwards inherit it, but a codec thread that ffmpeg had
 * already started (if this process was descheduled between spawn and this call) would not. So every thread
 * listed in /proc/<pid>/task is lowered as well, which leaves no thread behind at the old value.
 */
export function lowerChildPriority(pid: number | undefined, nice: number): void {
  if (!nice || pid === undefined) return;
  for (const tid of threadsOf(pid)) {
    try {
      // Never raise a priority: a worker started under `nice -n 15` already gives its children 15, and
      // going back to 10 would need CAP_SYS_NICE.
      if (getPriority(tid) < nice) setPriority(tid, nice);
    } catch (err) {
      // ESRCH: the child (or the thread) has already exited; nothing is left to lower.
      if ((err as { info?: { code?: string } }).info?.code !== 'ESRCH') throw err;
    }
  }
}

function threadsOf(pid: number): number[] {
  if (process.platform !== 'linux') return [pid];
  try {
    const tids = readdirSync(`/proc/${pid}/task`).map(Number).filter(Number.isInteger);
    // The main thread first: threads created while the others are lowered inherit its value.
    return [pid, ...tids.filter((t) => t !== pid)];
  } catch {
    return [pid];
  }
}

/**
 * Lowers this process to `nice` (WORKER_NICE), every thread it has so far (V8's, libuv's, Temporal core's if
 * already started); threads started later inherit the value from the thread that starts them. Children inherit it
 * too, so ffprobe (which fluent-ffmpeg spawns out of reach of lowerChildPriority) runs below the API as well.
 * Never raises a priority, as lowerChildPriority. Answers the nice value the process has afterwards.
 */
export function lowerOwnPriority(nice: number): number {
  lowerChildPriority(process.pid, nice);
  return getPriority(process.pid);
}
