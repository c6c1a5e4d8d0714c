/** One Jest run for all tiers; unit specs sit beside the code, integration/e2e under test/. */
module.exports = {
  rootDir: '.',
  // node, plus each file's cleanup after its own afterAll hooks (test/helpers/after-file.ts)
  testEnvironment: '<rootDir>/test/helpers/file-cleanup-environment.js',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  moduleNameMapper: { '^@selfeval/(.*)$': '<rootDir>/libs/$1/src' },
  // an upper bound for a stuck test; waits inside tests fail earlier, naming what never happened
  testTimeout: 180_000,
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  // fails the run when a test leaves a process, a temp file, Redis keys or a schema behind
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/test/helpers/after-file.ts'],
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.js'],
};
