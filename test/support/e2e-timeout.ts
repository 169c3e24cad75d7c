// Real renders on a two-core machine: generous per-test budgets (these bound hangs; they are not timing assertions).
jest.setTimeout(240_000);
