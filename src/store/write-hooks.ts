import { AsyncLocalStorage } from 'node:async_hooks';
import type { WriteRepositories } from './port.js';

/**
 * Work that must commit atomically with whatever write the current request makes — the
 * idempotency record of a keyed POST is stored in the very transaction of the write it
 * describes. Runs after the write's own statements, before COMMIT; called at most once.
 */
export type BeforeCommit = (repos: WriteRepositories, result: unknown) => Promise<void>;

interface HookSlot {
  hook: BeforeCommit;
  used: boolean;
}

const slots = new AsyncLocalStorage<HookSlot>();

export function withBeforeCommit<T>(hook: BeforeCommit, fn: () => Promise<T>): Promise<T> {
  return slots.run({ hook, used: false }, fn);
}

/** Called by the store inside each write transaction. */
export async function runBeforeCommit(repos: WriteRepositories, result: unknown): Promise<void> {
  const slot = slots.getStore();
  if (!slot || slot.used) return;
  slot.used = true;
  await slot.hook(repos, result);
}

/** Whether the current request's hook ran in a transaction (false: it made no write). */
export function beforeCommitRan(): boolean {
  return slots.getStore()?.used ?? false;
}
