import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config';

// Component tests of the Studio (`*.test.ts(x)`; jest runs the `*.spec.ts` ones) in happy-dom, with the build's
// JSX and aliases. `npm test` at the root runs them (`npm run test -w @vidflow/studio`).
export default mergeConfig(viteConfig, defineConfig({ test: { environment: 'happy-dom', include: ['src/**/*.test.{ts,tsx}'] } }));
