import { remember } from '../common/remember';

/** What one read of a run's status found: the value, and the run id while that run is still running. */
export interface StatusRead<V> {
  value: V;
  /** Set while the run is running: the close of this run is watched and drops the remembered value at once. */
  runningRunId?: string;
}

export interface RefreshedReadsOptions {
  /** A value is answered from memory for this long (STATUS_REFRESH_MS); 0 reads Temporal every time. */
  refreshMs: number;
  /** Resolves (true) when run `runId` of `id` closes, false when the watch ended otherwise; never rejects. */
  watchClose: (id: string, runId: string, signal: AbortSignal) => Promise<boolean>;
  now?: () => number;
}

/**
 * At most one status read per id per `refreshMs`, whoever asks (GETs, event streams, the list): reads that arrive
 * while one is in flight share it, and its answer serves everyone for `refreshMs` (issue #18: under a render
 * backlog every Temporal describe + query waits behind the encoders). A running run's close is watched (a
 * long poll on its history), and the close drops the remembered value at once and tells `onClose` listeners, so
 * nobody is answered `running` from memory once the API knows the run has ended.
 */
export class RefreshedReads<V> {
  private readonly fresh = new Map<string, { value: V; at: number }>();
  private readonly pending = new Map<string, Promise<V>>();
  /** Bumped when a close drops an id's value: a read begun before the close does not put its answer back. */
  private readonly epochs = new Map<string, number>();
  private readonly watches = new Map<string, AbortController>();
  private readonly closeListeners = new Set<(id: string) => void>();
  private readonly now: () => number;

  constructor(private readonly options: RefreshedReadsOptions) {
    this.now = options.now ?? Date.now;
  }

  get(id: string, read: () => Promise<StatusRead<V>>): Promise<V> {
    const known = this.fresh.get(id);
    if (known && this.now() - known.at < this.options.refreshMs) return Promise.resolve(known.value);
    const inFlight = this.pending.get(id);
    if (inFlight) return inFlight;
    const epoch = this.epochs.get(id) ?? 0;
    const started = this.now();
    const reading = read()
      .then(({ value, runningRunId }) => {
        if (this.options.refreshMs > 0 && (this.epochs.get(id) ?? 0) === epoch) remember(this.fresh, id, { value, at: started });
        if (runningRunId) this.watch(id, runningRunId);
        return value;
      })
      .finally(() => this.pending.delete(id));
    this.pending.set(id, reading);
    return reading;
  }

  /** `listener(id)` runs when a watched run closes (after its remembered value was dropped). */
  onClose(listener: (id: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Runs being watched for their close (one long poll each). */
  get watchedRuns(): number {
    return this.watches.size;
  }

  /** Drops what is known of `id` (it was deleted): the next read asks Temporal. */
  forget(id: string): void {
    this.fresh.delete(id);
    remember(this.epochs, id, (this.epochs.get(id) ?? 0) + 1);
  }

  /** Ends every watch (API shutdown). */
  stop(): void {
    for (const watch of this.watches.values()) watch.abort();
    this.watches.clear();
  }

  private watch(id: string, runId: string): void {
    const key = `${id}/${runId}`;
    if (this.watches.has(key)) return;
    const controller = new AbortController();
    this.watches.set(key, controller);
    const watching = Promise.resolve()
      .then(() => this.options.watchClose(id, runId, controller.signal))
      .catch(() => false);
    void watching.then((closed) => {
      this.watches.delete(key);
      if (controller.signal.aborted) return;
      // Closed or not (the watch timed out, Temporal was away): the next read asks Temporal and watches again.
      this.fresh.delete(id);
      remember(this.epochs, id, (this.epochs.get(id) ?? 0) + 1);
      if (closed) for (const listener of this.closeListeners) listener(id);
    });
  }
}
