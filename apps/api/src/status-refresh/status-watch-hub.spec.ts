import { StatusWatchHub, type StatusListener } from './status-watch-hub';

interface S {
  id: string;
  status: string;
  step: number;
}

/** Resolves after the listeners saw a terminal status (no clock: it waits for the event itself). */
function collect(n: number, subscribe: (l: StatusListener<S>) => () => void) {
  const seen: number[][] = Array.from({ length: n }, () => []);
  const done = Promise.all(
    seen.map(
      (list) =>
        new Promise<void>((resolve) => {
          subscribe({ status: (s) => (list.push(s.step), s.status === 'completed' && resolve()), error: () => undefined });
        }),
    ),
  );
  return { seen, done };
}

describe('StatusWatchHub', () => {
  const run = (id: string) => {
    let reads = 0;
    const statuses: S[] = [
      { id, status: 'running', step: 1 },
      { id, status: 'running', step: 2 },
      { id, status: 'completed', step: 3 },
    ];
    return { read: async () => statuses[Math.min(reads++, statuses.length - 1)]!, reads: () => reads };
  };

  it('reads a run once per poll for any number of subscribers, and every one sees every status', async () => {
    const a = run('vid-a');
    const hub = new StatusWatchHub<S>({ read: a.read, pollMs: 1 });
    const { seen, done } = collect(200, hub.watch('vid-a'));
    expect(hub.stats()).toEqual({ watchers: 1, subscribers: 200 });
    await done;
    expect(a.reads()).toBe(3);
    for (const list of seen) expect(list).toEqual([1, 2, 3]);
    // After the terminal status the watcher is gone.
    expect(hub.stats().watchers).toBe(0);
  });

  it('keeps one watcher per run: reads grow with runs, not subscribers', async () => {
    const runs = Array.from({ length: 5 }, (_, i) => run(`vid-${i}`));
    const hub = new StatusWatchHub<S>({ read: (id) => runs[Number(id.split('-')[1])]!.read(), pollMs: 1 });
    const all = runs.map((_, i) => collect(20 * (i + 1), hub.watch(`vid-${i}`)));
    expect(hub.stats()).toEqual({ watchers: 5, subscribers: 20 + 40 + 60 + 80 + 100 });
    await Promise.all(all.map((c) => c.done));
    expect(runs.map((r) => r.reads())).toEqual([3, 3, 3, 3, 3]);
  });

  it('ends the watcher when the last subscriber leaves; a later subscriber gets a new one', async () => {
    let firstRead!: () => void;
    const read = new Promise<void>((r) => (firstRead = r));
    const hub = new StatusWatchHub<S>({
      read: async (id) => (firstRead(), { id, status: 'running', step: 1 }),
      pollMs: 1,
    });
    const quiet = { status: () => undefined, error: () => undefined };
    const leave = [hub.watch('vid-a')(quiet), hub.watch('vid-a')(quiet)];
    await read;
    leave[0]!();
    expect(hub.stats()).toEqual({ watchers: 1, subscribers: 1 });
    leave[1]!();
    // The stopped watcher leaves the map once its loop has ended (it is woken at once, not at the next poll).
    for (let i = 0; i < 20 && hub.stats().watchers > 0; i++) await new Promise((r) => setImmediate(r));
    expect(hub.stats()).toEqual({ watchers: 0, subscribers: 0 });
    const back = hub.watch('vid-a')(quiet);
    expect(hub.stats()).toEqual({ watchers: 1, subscribers: 1 });
    back();
    hub.stop();
  });

  it('reads at once when the run closes, without waiting for the poll', async () => {
    let closeListener!: (id: string) => void;
    let status = 'running';
    let reads = 0;
    // A poll of an hour: only the close can bring the terminal status within the test.
    const hub = new StatusWatchHub<S>({
      read: async (id) => ({ id, status, step: ++reads }),
      pollMs: 3_600_000,
      onClose: (l) => ((closeListener = l), () => undefined),
    });
    const { seen, done } = collect(3, hub.watch('vid-a'));
    status = 'completed';
    closeListener('vid-a');
    await done;
    expect(seen).toEqual([[1], [1], [1]]);
    expect(reads).toBe(1);
  });
});
