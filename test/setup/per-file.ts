import { afterAll, vi } from 'vitest';

/**
 * Runs in every test file's context. Files share a worker's modules (isolate: false in
 * vitest.config.ts), so a file that pinned the clock (setClock, vi.useFakeTimers) and failed
 * before restoring it would hand a frozen Date to the files after it: each file ends on the
 * real clock, whatever happened in it.
 */
afterAll(() => {
  vi.useRealTimers();
});
