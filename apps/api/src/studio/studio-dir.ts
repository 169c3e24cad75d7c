import { dirname, join } from 'node:path';

/**
 * Where the Studio's build is: `dist/` of the @vidflow/studio workspace package, found the way Node finds
 * any dependency. Undefined when the package is missing (an API installed without the Studio).
 */
export function studioDistDir(): string | undefined {
  try {
    return join(dirname(require.resolve('@vidflow/studio/package.json')), 'dist');
  } catch {
    return undefined;
  }
}
