// Each reliability scenario starts a stack of processes, injects its fault and waits for recovery (a killed
// render is retried only after its 30 s heartbeat timeout): budgets that bound hangs, not timing assertions.
jest.setTimeout(20 * 60_000);
