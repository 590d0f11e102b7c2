import type { FastifyBaseLogger } from 'fastify';
import { expiredBefore } from './http/plugins/idempotency.js';
import { nowSeconds } from './lib/ids.js';
import type { Store } from './store/port.js';

const SWEEP_BATCH = 500;

/** Deletes expired idempotency records in small batches, yielding between them. */
export async function sweepIdempotencyKeys(store: Pick<Store, 'write'>, now = nowSeconds()): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await store.write((repos) => repos.idempotency.sweep(expiredBefore(now), SWEEP_BATCH));
    total += deleted;
    if (deleted < SWEEP_BATCH) return total;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Deletes events (with their deliveries and attempts) older than the retention period. */
export async function sweepEvents(store: Pick<Store, 'write'>, retentionDays: number, now = nowSeconds()): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await store.write((repos) => repos.events.sweep(now - retentionDays * 86400, SWEEP_BATCH));
    total += deleted;
    if (deleted < SWEEP_BATCH) return total;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Periodic housekeeping in the server process; stops with the returned function. */
export function startMaintenance(
  store: Pick<Store, 'write'>,
  log: FastifyBaseLogger,
  options: { eventRetentionDays: number; everyMs?: number },
): () => void {
  const everyMs = options.everyMs ?? 10 * 60 * 1000;
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    sweepIdempotencyKeys(store)
      .then(async (n) => {
        if (n > 0) log.info({ deleted: n }, 'swept expired idempotency keys');
        const events = await sweepEvents(store, options.eventRetentionDays);
        if (events > 0) log.info({ deleted: events }, 'swept events past retention');
      })
      .catch((error: unknown) => log.warn({ err: error }, 'idempotency sweep failed'))
      .finally(() => {
        running = false;
      });
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  setTimeout(tick, 5_000).unref();
  return () => clearInterval(timer);
}
