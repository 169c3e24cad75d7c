// Five tiers, each saying what it needs (README "Tests"):
// - `unit`: pure. *.spec.ts next to the code (and test/*.spec.ts): no child process (enforced by
//   test/support/unit-no-child-process.ts), no database, no server but in-process loopback ones. Under a minute.
// - `integration`: *.int.spec.ts next to the code: real ffmpeg and espeak-ng, the local PostgreSQL, several
//   processes, 100,000 cache entries.
// - `e2e`: a real Temporal dev server started once by globalSetup, real workers: test/*.e2e.ts and the workflow
//   tests next to the workflows (libs/*/src/**/*.e2e.ts).
// - `reliability`: each scenario starts its own stack as separate processes and kills parts of it; run serially
//   with --runInBand (RELIABILITY.md).
// `npm test` runs all four; `npm run test:unit` / `test:integration` / `test:e2e` / `test:reliability` run one.
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
    module: { type: 'commonjs' },
  },
];

/**
 * Dependencies published as ES modules only (tus's upload server and its srvx adapter): Node 20.19+ loads them
 * with require() in the built CommonJS apps, Jest's module system cannot, so swc turns them into CommonJS.
 */
const ESM_ONLY = ['@tus', 'srvx'];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc, [`/node_modules/(${ESM_ONLY.join('|')})/.+\\.m?js$`]: swc },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  // Tests run against the sources; the worker under test loads the prebuilt workflow bundle.
  moduleNameMapper: { '^@vidflow/([a-z-]+)$': '<rootDir>/libs/$1/src', '^@vidflow/([a-z-]+)/([a-z-]+)$': '<rootDir>/libs/$1/src/$2' },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};

const specs = ['<rootDir>/libs/**/src/**/*.spec.ts', '<rootDir>/apps/**/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'];

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: specs,
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
      setupFilesAfterEnv: ['<rootDir>/test/support/unit-no-child-process.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: [...specs.map((glob) => glob.replace('*.spec.ts', '*.int.spec.ts'))],
    },
    {
      ...common,
      displayName: 'e2e',
      // Workflow tests live next to the workflows (libs/workflows/src/*.e2e.ts): they need the Temporal server too.
      testMatch: ['<rootDir>/test/**/*.e2e.ts', '<rootDir>/libs/**/src/**/*.e2e.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-timeout.ts'],
    },
    // Not a test tier: `npm run record:histories` (re)writes the replay tests' fixtures on the e2e Temporal server.
    // Present only when that script asks for it, so that no other jest run (`npx jest replay`) records by accident.
    ...(process.env.VIDFLOW_RECORD_HISTORIES === '1'
      ? [
          {
            ...common,
            displayName: 'record-histories',
            testMatch: ['<rootDir>/libs/**/src/**/*.record.ts'],
            globalSetup: '<rootDir>/test/support/global-setup.ts',
            globalTeardown: '<rootDir>/test/support/global-teardown.ts',
            setupFilesAfterEnv: ['<rootDir>/test/support/e2e-timeout.ts'],
          },
        ]
      : []),
    {
      ...common,
      displayName: 'reliability',
      testMatch: ['<rootDir>/test/reliability/**/*.reliability.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/reliability-timeout.ts'],
    },
    // `cluster`: vidflow on separate hosts (network namespaces, the real Temporal server on PostgreSQL, SeaweedFS),
    // with faults; needs root for `ip netns`. `npm run test:cluster`, run by `npm test` (README "Running on several machines").
    {
      ...common,
      displayName: 'cluster',
      testMatch: ['<rootDir>/test/cluster/**/*.cluster.ts'],
    },
  ],
};
