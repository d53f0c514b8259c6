/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { tsconfig: { isolatedModules: true, allowJs: true } }];
// middy and jose are ESM-only: let ts-jest turn them into CommonJS for jest's module system.
const esmPackages = ['@middy', 'jose'];
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.[tj]s$': tsJest },
  transformIgnorePatterns: [`node_modules/(?!(${esmPackages.join('|')})/)`],
  // middy exports only an `import` condition, which jest's resolver does not follow.
  moduleNameMapper: { '^@middy/([^/]+)$': '<rootDir>/node_modules/@middy/$1/index.js' },
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...shared, displayName: 'cdk', testMatch: ['<rootDir>/test/cdk/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/e2e/harness/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/harness/global-teardown.ts',
      // Emulator target only: registers the reasons table's tests as skipped (a no-op elsewhere).
      setupFilesAfterEnv: ['<rootDir>/test/e2e/harness/emulator-marks.ts'],
    },
  ],
  // A global option (jest ignores it inside a project): the order of the e2e suites.
  testSequencer: '<rootDir>/test/e2e/harness/sequencer.js',
  testTimeout: 60000,
  // One worker, whatever the machine reports: the e2e suites share one local cloud and their
  // delivery waits assume they do not run side by side (a CI host may report more cores than it has).
  maxWorkers: 1,
};
