import childProcess from 'node:child_process';

/**
 * The unit tier is pure: no child process (ffmpeg, espeak-ng, a second node), no database, no server but the
 * test's own in-process loopback ones. This setup file makes every way of starting a process throw, so a test
 * that needs one fails here with a message saying where it belongs, instead of slowing the tier down.
 * Restored after each file: jest may run another project's files in the same worker.
 */
const NAMES = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;
const originals = new Map<string, unknown>();
const mutable = childProcess as unknown as Record<string, unknown>;

for (const name of NAMES) {
  originals.set(name, mutable[name]);
  mutable[name] = () => {
    throw new Error(`child_process.${name} in a unit test: the unit tier starts no process; name the file *.int.spec.ts (integration tier)`);
  };
}

afterAll(() => {
  for (const [name, fn] of originals) mutable[name] = fn;
});
