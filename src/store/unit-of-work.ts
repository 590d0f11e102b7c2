import { AsyncLocalStorage } from 'node:async_hooks';
import type { WriteRepositories } from './port.js';

/**
 * Work that must commit atomically with the write of a unit of work — the idempotency record
 * of a keyed POST is stored in the very transaction of the write it describes. It runs after
 * the write's own statements, before COMMIT, and sees what the write returned.
 */
export type BeforeCommit = (repos: WriteRepositories, result: unknown) => Promise<void>;

/** A unit of work opened a second write transaction: a bug in the code, never a client's doing. */
export class SecondWriteError extends Error {
  constructor() {
    super('A unit of work (one request) opened a second write transaction; its writes would not commit together.');
    this.name = 'SecondWriteError';
  }
}

interface Unit {
  beforeCommit: BeforeCommit | null;
  state: 'idle' | 'writing' | 'wrote';
}

const units = new AsyncLocalStorage<Unit>();

/**
 * The store's side: runs one write transaction of the current unit of work (if any), passing
 * the hook to run before its COMMIT. A unit's second transaction is refused; one that failed
 * (rolled back) does not count, so a retry after a conflict may run.
 */
export async function writeInUnit<T>(run: (beforeCommit: BeforeCommit | null) => Promise<T>): Promise<T> {
  const unit = units.getStore();
  if (!unit) return run(null);
  if (unit.state !== 'idle') throw new SecondWriteError();
  unit.state = 'writing';
  try {
    const value = await run(unit.beforeCommit);
    unit.state = 'wrote';
    return value;
  } catch (error) {
    unit.state = 'idle';
    throw error;
  }
}

export async function runUnitOfWork<T>(beforeCommit: BeforeCommit | null, fn: () => Promise<T>): Promise<{ value: T; wrote: boolean }> {
  const unit: Unit = { beforeCommit, state: 'idle' };
  const value = await units.run(unit, fn);
  return { value, wrote: unit.state === 'wrote' };
}
