import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global-postgres.ts', 'test/setup/browser-check.ts'],
    pool: 'forks',
    // A limit, not a budget: tests run in seconds on an idle machine, and none decides anything by
    // time. The limit is generous so that a loaded CI machine (2 cores) slows tests without failing them.
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/setup/summary-reporter.ts'],
  },
});
