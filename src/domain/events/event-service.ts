import { nowSeconds } from '../../lib/ids.js';
import type { Store } from '../../store/port.js';
import type { Scope } from '../scope.js';
import { resourceMissing } from '../errors.js';
import { pageThrough, type Page, type PageRequest } from '../paging.js';
import type { EventRecord } from './event.js';

export interface EventView {
  event: EventRecord;
  pendingWebhooks: number;
}

export function toApiEvent({ event, pendingWebhooks }: EventView) {
  return {
    id: event.id,
    object: 'event' as const,
    api_version: event.api_version,
    created: event.created,
    data: event.data,
    livemode: event.livemode,
    pending_webhooks: pendingWebhooks,
    request: { id: event.request_id, idempotency_key: event.idempotency_key, actor: event.actor },
    type: event.type,
  };
}

const SWEEP_BATCH = 500;

/** SPEC E-1: reading the event log, and keeping it for the retention period. */
export function eventService(deps: { store: Pick<Store, 'read' | 'write'> }) {
  const { store } = deps;
  return {
    /** Deletes events (with their deliveries and attempts) older than `retentionDays`, in small batches. */
    async sweep(retentionDays: number, now = nowSeconds()): Promise<number> {
      let total = 0;
      for (;;) {
        const deleted = await store.write((repos) => repos.events.sweep(now - retentionDays * 86400, SWEEP_BATCH));
        total += deleted;
        if (deleted < SWEEP_BATCH) return total;
        await new Promise((resolve) => setImmediate(resolve));
      }
    },

    async retrieve(scope: Scope, id: string): Promise<EventView> {
      return store.read(async (repos) => {
        const event = await repos.events.findById(scope, id);
        if (!event) throw resourceMissing('event', id, 'id');
        const pending = await repos.events.pendingWebhooks(scope, [id]);
        return { event, pendingWebhooks: pending.get(id) ?? 0 };
      });
    },

    /** One customer's events (its own and its owned objects'), newest first: the console's timeline. */
    async listForCustomer(scope: Scope, customerId: string, request: PageRequest): Promise<Page<EventRecord>> {
      return store.read((repos) =>
        pageThrough(
          'event',
          request,
          (id) => repos.events.cursorOf(scope, id),
          (p) => repos.events.list(scope, { customerId }, p),
        ),
      );
    },

    async list(scope: Scope, types: string[] | undefined, request: PageRequest): Promise<Page<EventView>> {
      return store.read(async (repos) => {
        const page = await pageThrough(
          'event',
          request,
          (id) => repos.events.cursorOf(scope, id),
          (p) => repos.events.list(scope, { ...(types && { types }) }, p),
        );
        const pending = await repos.events.pendingWebhooks(scope, page.data.map((e) => e.id));
        return { data: page.data.map((event) => ({ event, pendingWebhooks: pending.get(event.id) ?? 0 })), hasMore: page.hasMore };
      });
    },
  };
}

export type EventService = ReturnType<typeof eventService>;
