import { nowSeconds } from '../../lib/ids.js';
import type { IdempotencyRecord, Repositories, Store, WriteRepositories } from '../../store/port.js';
import type { Scope } from '../scope.js';

/** Keys and their first responses live for 24 hours (SPEC W-8). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** Records created before this (unix seconds) have expired. */
export function expiredBefore(now: number): number {
  return now - IDEMPOTENCY_TTL_SECONDS;
}

const SWEEP_BATCH = 500;

/** SPEC W-8: the stored first responses of keyed POSTs. */
export function idempotencyService(deps: { store: Pick<Store, 'read' | 'write'> }) {
  const { store } = deps;
  /** Inside the caller's transaction; false when a live record holds the key (a concurrent duplicate won). */
  const saveIn = (repos: Pick<WriteRepositories, 'idempotency'>, scope: Scope, record: IdempotencyRecord) =>
    repos.idempotency.save(scope, record, expiredBefore(record.created));

  return {
    saveIn,
    /** In a transaction of its own, for a request that wrote nothing else. */
    save: (scope: Scope, record: IdempotencyRecord) => store.write((repos) => saveIn(repos, scope, record)),
    /** The record holding this key, expired or not. */
    find: (scope: Scope, key: string) => store.read((repos: Repositories) => repos.idempotency.find(scope, key)),
    /** The record holding this key if it is still live. */
    async findLive(scope: Scope, key: string, now = nowSeconds()): Promise<IdempotencyRecord | undefined> {
      const record = await store.read((repos) => repos.idempotency.find(scope, key));
      return record && record.created >= expiredBefore(now) ? record : undefined;
    },
    /** Deletes expired records in small batches, yielding between them; returns how many. */
    async sweep(now = nowSeconds()): Promise<number> {
      let total = 0;
      for (;;) {
        const deleted = await store.write((repos) => repos.idempotency.sweep(expiredBefore(now), SWEEP_BATCH));
        total += deleted;
        if (deleted < SWEEP_BATCH) return total;
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}

export type IdempotencyService = ReturnType<typeof idempotencyService>;
