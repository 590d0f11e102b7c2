import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global-postgres.ts', 'test/setup/browser-check.ts'],
    setupFiles: ['test/setup/per-file.ts'],
    pool: 'forks',
    // Files share a worker's module cache: importing the app (Fastify, Kysely, the drivers, the
    // schemas) took ~1.4 s per file, 190 s of the suite's 1,360 s of worker time. Nothing in src
    // or test keeps per-file state at module level (caches only, see src/http/wire); every test
    // builds its own app over a fresh database, and `npm test` passed the same with and without.
    isolate: false,
    // Vitest's default is one file at a time below three cores. Most of a file's time here is
    // spent waiting (on PostgreSQL, on child processes, on sockets and timers), so two files at
    // once on a 2-core machine keep both cores busy; nothing in a test depends on running alone.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    minWorkers: 1,
    // A limit, not a budget: tests run in seconds on an idle machine, and none decides anything by
    // time. The limit is generous so that a loaded CI machine (2 cores) slows tests without failing them.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/setup/summary-reporter.ts'],
  },
});
