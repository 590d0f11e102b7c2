import { sql, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { EventRecord } from '../../domain/events/event.js';
import type { EventsRepository, WebhookOutbox } from '../port.js';
import type { Database, EventsTable } from '../schema.js';
import { flag, fromJson, toJson } from './codec.js';
import { applyPage, positionOf } from './keyset.js';
import { newId } from '../../lib/ids.js';

function toRecord(row: Selectable<EventsTable>): EventRecord {
  return {
    id: row.id,
    livemode: row.livemode === 1,
    created: row.created,
    type: row.type as EventRecord['type'],
    api_version: row.api_version,
    customer_id: row.customer_id,
    data: fromJson(row.data, { object: null }),
    request_id: row.request_id,
    idempotency_key: row.idempotency_key,
  };
}

export function eventsRepository(db: Kysely<Database>): EventsRepository {
  const scoped = (accountId: string, livemode: boolean) =>
    db.selectFrom('events').selectAll().where('account_id', '=', accountId).where('livemode', '=', flag(livemode));

  return {
    async insert(scope, e) {
      await db
        .insertInto('events')
        .values({
          account_id: scope.accountId,
          livemode: flag(scope.livemode),
          id: e.id,
          created: e.created,
          type: e.type,
          api_version: e.api_version,
          customer_id: e.customer_id,
          data: toJson(e.data) ?? '{}',
          request_id: e.request_id,
          idempotency_key: e.idempotency_key,
        })
        .execute();
    },
    async findById(scope, id) {
      const row = await scoped(scope.accountId, scope.livemode).where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },
    cursorOf: (scope, id) => positionOf(db, 'events', scope, id),
    async list(scope, filters, page) {
      let query = scoped(scope.accountId, scope.livemode);
      if (filters.types && filters.types.length > 0) query = query.where('type', 'in', filters.types);
      const rows = await applyPage(query, page).execute();
      return rows.map(toRecord);
    },
    async listForCustomer(scope, customerId) {
      const rows = await scoped(scope.accountId, scope.livemode)
        .where('customer_id', '=', customerId)
        .orderBy('created', 'desc')
        .orderBy('seq', 'desc')
        .execute();
      return rows.map(toRecord);
    },
    async replaceData(scope, id, data) {
      await db
        .updateTable('events')
        .set({ data: toJson(data) ?? '{}' })
        .where('account_id', '=', scope.accountId)
        .where('livemode', '=', flag(scope.livemode))
        .where('id', '=', id)
        .execute();
    },
    async pendingWebhooks(scope, eventIds) {
      const out = new Map<string, number>(eventIds.map((id) => [id, 0]));
      if (eventIds.length === 0) return out;
      const rows = await db
        .selectFrom('webhook_deliveries')
        .select(['event_id', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('account_id', '=', scope.accountId)
        .where('event_id', 'in', eventIds)
        .where(sql<SqlBool>`status = 'pending'`)
        .groupBy('event_id')
        .execute();
      for (const row of rows) out.set(row.event_id, Number(row.n));
      return out;
    },
    async sweep(before, limit) {
      const old = await db.selectFrom('events').select(['account_id', 'id']).where('created', '<', before).limit(limit).execute();
      if (old.length === 0) return 0;
      for (const { account_id, id } of old) {
        await db.deleteFrom('webhook_attempts').where('account_id', '=', account_id).where('event_id', '=', id).execute();
        await db.deleteFrom('webhook_deliveries').where('account_id', '=', account_id).where('event_id', '=', id).execute();
        await db.deleteFrom('events').where('account_id', '=', account_id).where('id', '=', id).execute();
      }
      return old.length;
    },
  };
}

/** Fan-out at write time, in the writer's transaction: one pending delivery per matching endpoint. */
export function webhookOutbox(db: Kysely<Database>): WebhookOutbox {
  return {
    async enqueue(scope, event) {
      const endpoints = await db
        .selectFrom('webhook_endpoints')
        .select(['id', 'enabled_events'])
        .where('account_id', '=', scope.accountId)
        .where('livemode', '=', flag(scope.livemode))
        .where(sql<SqlBool>`status = 'enabled'`)
        .execute();
      const matching = endpoints.filter((e) => {
        const types = fromJson<string[]>(e.enabled_events, []);
        return types.includes('*') || types.includes(event.type);
      });
      if (matching.length === 0) return 0;
      await db
        .insertInto('webhook_deliveries')
        .values(
          matching.map((endpoint) => ({
            account_id: scope.accountId,
            livemode: flag(scope.livemode),
            id: newId('whd'),
            endpoint_id: endpoint.id,
            event_id: event.id,
            created: event.created,
            status: 'pending',
            attempts: 0,
            // Epoch milliseconds, like lease_until: retry delays can be shorter than a second.
            next_attempt_at: Date.now(),
            lease_until: null,
            last_status_code: null,
            last_error: null,
          })),
        )
        .execute();
      return matching.length;
    },
  };
}
