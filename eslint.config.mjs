// @ts-check
import { builtinModules } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const rootDir = dirname(fileURLToPath(import.meta.url));

/**
 * Workflow code runs inside Temporal's deterministic sandbox and is replayed from history, so it
 * may not do I/O or reach for anything whose result can differ between the original run and a
 * replay. The workflow bundler rejects most of these too (`disallowedModules` in
 * @temporalio/worker/lib/workflow/bundler.js), but only at bundle time and with a long webpack
 * error; this says it at the import, while editing. Stricter than the bundler on purpose: it also
 * lets through the shimmed assert/url/util, which STYLE.md keeps out of workflows as well.
 */
const DETERMINISM =
  'Workflow code must be deterministic and runs in a sandbox without Node APIs: do the I/O in an activity ' +
  '(libs/activities) and call it through proxyActivities().';

// Includes the subpaths (fs/promises, path/posix, ...); `_`-prefixed names are Node internals.
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));

const workflowRestrictedImports = {
  paths: [
    ...nodeBuiltins.map((name) => ({ name, message: `"${name}" is a Node built-in. ${DETERMINISM}` })),
    {
      name: '@vidflow/contracts',
      allowTypeImports: true,
      message:
        "Import values from '@vidflow/contracts/workflow': the main entry builds zod's request schemas, which every " +
        'workflow run would evaluate again (libs/contracts/src/workflow.ts).',
    },
    {
      name: '@vidflow/activities',
      allowTypeImports: true,
      message:
        'Import activities with `import type` and call them through proxyActivities<typeof activities>(): ' +
        'a value import would pull activity code (fs, ffmpeg, HTTP) into the deterministic workflow bundle.',
    },
    {
      name: '@vidflow/media',
      allowTypeImports: true,
      message: `@vidflow/media spawns ffmpeg and touches files. ${DETERMINISM}`,
    },
    {
      name: '@vidflow/config',
      allowTypeImports: true,
      message:
        '@vidflow/config reads process.env and the machine: pass the settings a workflow needs in its input. ' +
        DETERMINISM,
    },
    ...['@temporalio/worker', '@temporalio/client', '@temporalio/activity', '@temporalio/testing'].map((name) => ({
      name,
      allowTypeImports: true,
      message: `${name} is not usable inside workflow code; use @temporalio/workflow. ${DETERMINISM}`,
    })),
  ],
  patterns: [
    { group: ['node:*'], message: `Node built-ins are not available in workflows. ${DETERMINISM}` },
    {
      group: [
        '@vidflow/activities/*',
        '@vidflow/media/*',
        '@vidflow/config/*',
        '@temporalio/worker/*',
        '@temporalio/client/*',
        '@temporalio/activity/*',
        '@temporalio/testing/*',
        '@temporalio/common/lib/internal-non-workflow*',
      ],
      allowTypeImports: true,
      message: `Deep imports of Node-only libraries are not allowed in workflows. ${DETERMINISM}`,
    },
  ],
};

export default defineConfig(
  {
    name: 'vidflow/ignores',
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/coverage/**',
      '**/.data/**',
      // Compiled output and generated bundles; hand-written config uses .mjs/.cjs.
      '**/*.js',
      '**/*.d.ts',
      // The typed API client's types, generated from the OpenAPI document (scripts/generate-api-client.sh).
      'libs/api-client/src/generated/**',
      // Benchmark output (reports, rendered media).
      'bench/results/**',
      'bench/output/**',
      'bench/out/**',
      'bench/.data/**',
    ],
  },

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    name: 'vidflow/typescript',
    files: ['**/*.ts', '**/*.mts', '**/*.cts'],
    languageOptions: {
      parserOptions: {
        // Each file is checked against the nearest tsconfig.json that includes it: the workspace
        // tsconfigs for sources, the root tsconfig.json for specs, test/ and bench/ (TypeScript
        // >= 5.6 keeps walking up when the nearest tsconfig excludes a file).
        projectService: true,
        tsconfigRootDir: rootDir,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Occasionally needed at library boundaries (Nest decorators, test doubles); visible, not fatal.
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },

  {
    name: 'vidflow/workflows-determinism',
    // The tracing workflow interceptors (and the video-id helper they import) are bundled into the traced workflow bundle.
    files: ['libs/workflows/src/**/*.ts', 'libs/tracing/src/workflow-interceptors.ts', 'libs/tracing/src/video-id.ts'],
    // The bundler script runs in plain Node at build time, not in the workflow sandbox; so do the workflow
    // tests, their fake workers (testing/) and the replay tests with their recorder (replay/).
    ignores: [
      'libs/workflows/src/**/bundle-workflows.ts',
      'libs/workflows/src/**/*.spec.ts',
      'libs/workflows/src/**/*.e2e.ts',
      'libs/workflows/src/testing/**',
      'libs/workflows/src/replay/**',
    ],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', workflowRestrictedImports],
      'no-restricted-globals': [
        'error',
        ...['process', 'Buffer', '__dirname', '__filename', 'setImmediate', 'clearImmediate', 'require'].map(
          (name) => ({ name, message: `"${name}" does not exist in the workflow sandbox. ${DETERMINISM}` }),
        ),
      ],
    },
  },

  {
    // What `@vidflow/contracts/workflow` exports is evaluated by every workflow run: no zod there (types are fine).
    name: 'vidflow/contracts-workflow-entry',
    files: ['libs/contracts/src/workflow.ts', 'libs/contracts/src/video-status.ts', 'libs/contracts/src/workflow-api.ts', 'libs/contracts/src/batch-progress.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', allowTypeImports: true, message: 'Workflow runs evaluate this module; keep zod in the main entry (libs/contracts/src/workflow.ts).' }],
          patterns: [
            {
              group: ['./video-request.schema', './batch', './schedule', './validation', './index'],
              allowTypeImports: true,
              message: 'These modules build zod schemas; workflow runs evaluate this module (libs/contracts/src/workflow.ts). Import types only.',
            },
          ],
        },
      ],
    },
  },

  {
    name: 'vidflow/tests',
    files: ['**/*.spec.ts', '**/*.e2e.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Workflow specs need the test environment and the real activities; they are not bundled.
      '@typescript-eslint/no-restricted-imports': 'off',
      'no-restricted-globals': 'off',
      // jest.fn() stubs routinely take a required-looking argument list they ignore.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },

  {
    name: 'vidflow/plain-js',
    files: ['**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
