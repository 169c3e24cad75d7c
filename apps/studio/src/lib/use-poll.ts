import { useEffect, useRef } from 'preact/hooks';

/**
 * Calls `load` now and every `ms` until it returns true (done) or the page goes away. For resources without an
 * event stream (batches, schedules); a failed call is retried at the next tick, its error shown by the caller.
 */
export function usePoll(load: () => Promise<boolean>, ms: number, deps: unknown[]): void {
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      const done = await latest.current().catch(() => false);
      if (!stopped && !done) timer = setTimeout(() => void tick(), ms);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, deps);
}
