import type { FastifyBaseLogger } from 'fastify';
import type { EventService } from './domain/events/event-service.js';
import type { IdempotencyService } from './domain/idempotency/idempotency-service.js';

/** Periodic housekeeping in the server process; stops with the returned function. */
export function startMaintenance(
  services: { idempotency: Pick<IdempotencyService, 'sweep'>; events: Pick<EventService, 'sweep'> },
  log: FastifyBaseLogger,
  options: { eventRetentionDays: number; everyMs?: number },
): () => void {
  const everyMs = options.everyMs ?? 10 * 60 * 1000;
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    services.idempotency
      .sweep()
      .then(async (n) => {
        if (n > 0) log.info({ deleted: n }, 'swept expired idempotency keys');
        const events = await services.events.sweep(options.eventRetentionDays);
        if (events > 0) log.info({ deleted: events }, 'swept events past retention');
      })
      .catch((error: unknown) => log.warn({ err: error }, 'housekeeping sweep failed'))
      .finally(() => {
        running = false;
      });
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  setTimeout(tick, 5_000).unref();
  return () => clearInterval(timer);
}
