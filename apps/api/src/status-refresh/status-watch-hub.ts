import { isTerminalStatus } from '@vidflow/contracts';

/** What a subscriber of one run's status hears: each status read (changed or not), or a failed read. */
export interface StatusListener<S> {
  status(status: S): void;
  error(err: Error): void;
}

/** Subscribes a listener to one run's statuses; the returned function unsubscribes it. */
export type StatusWatch<S> = (listener: StatusListener<S>) => () => void;

export interface StatusWatchHubOptions<S> {
  read: (id: string) => Promise<S>;
  /** Time between two reads of one run while anyone listens. */
  pollMs: number;
  /** Registers a callback for "run `id` has closed" (RefreshedReads.onClose): the next read happens at once. */
  onClose?: (listener: (id: string) => void) => () => void;
}

/**
 * One watcher per run for any number of event streams (issue #18: 1,000 streams over 50 running videos). The
 * watcher reads the status once per `pollMs` and hands the same object to every subscriber, so the reads (and
 * Temporal's queries) grow with the runs watched, not with the streams. A close reported by `onClose` wakes the
 * watcher at once, so the terminal status reaches every stream without waiting for the next poll. The watcher
 * stops after a terminal status or when its last subscriber leaves.
 */
export class StatusWatchHub<S extends { status: string }> {
  private readonly watchers = new Map<string, Watcher<S>>();
  private readonly stopOnClose?: () => void;

  constructor(private readonly options: StatusWatchHubOptions<S>) {
    this.stopOnClose = options.onClose?.((id) => this.watchers.get(id)?.wake());
  }

  watch(id: string): StatusWatch<S> {
    return (listener) => {
      let watcher = this.watchers.get(id);
      // A watcher whose last subscriber just left (or that saw the end) is not reused.
      if (!watcher || watcher.stopped) {
        const created: Watcher<S> = new Watcher(id, this.options, () => {
          if (this.watchers.get(id) === created) this.watchers.delete(id);
        });
        watcher = created;
        this.watchers.set(id, watcher);
      }
      return watcher.add(listener);
    };
  }

  /** Runs watched and streams subscribed right now (for the benchmark and metrics). */
  stats(): { watchers: number; subscribers: number } {
    let subscribers = 0;
    for (const w of this.watchers.values()) subscribers += w.size;
    return { watchers: this.watchers.size, subscribers };
  }

  stop(): void {
    this.stopOnClose?.();
    for (const w of this.watchers.values()) w.stop();
  }
}

class Watcher<S extends { status: string }> {
  private readonly listeners = new Set<StatusListener<S>>();
  private wakeUp?: () => void;
  private timer?: NodeJS.Timeout;
  stopped = false;

  constructor(
    private readonly id: string,
    private readonly options: StatusWatchHubOptions<S>,
    private readonly done: () => void,
  ) {
    void this.run();
  }

  get size(): number {
    return this.listeners.size;
  }

  add(listener: StatusListener<S>): () => void {
    // A subscription of its own, even when one listener object subscribes twice.
    const entry: StatusListener<S> = { status: (s) => listener.status(s), error: (e) => listener.error(e) };
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
      if (this.listeners.size === 0) this.stop();
    };
  }

  wake(): void {
    this.wakeUp?.();
  }

  stop(): void {
    this.stopped = true;
    this.wake();
  }

  private async run(): Promise<void> {
    try {
      while (!this.stopped) {
        await this.pause();
        if (this.stopped) break;
        let status: S;
        try {
          status = await this.options.read(this.id);
        } catch (err) {
          // Temporal briefly unreachable: every stream says so and stays open; the next poll recovers.
          for (const l of [...this.listeners]) l.error(err as Error);
          continue;
        }
        for (const l of [...this.listeners]) l.status(status);
        if (isTerminalStatus(status.status)) break;
      }
    } finally {
      this.stopped = true;
      this.done();
    }
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const go = () => {
        clearTimeout(this.timer);
        this.wakeUp = undefined;
        resolve();
      };
      this.wakeUp = go;
      this.timer = setTimeout(go, this.options.pollMs);
    });
  }
}
