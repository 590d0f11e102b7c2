import { sql, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { EventRecord } from '../../domain/events/event.js';
import type { EventsRepository, WebhookOutbox } from '../port.js';
import type { Database, EventsTable } from '../schema.js';
import { fromJson, toJson } from './codec.js';
import { applyPage, positionOf } from './keyset.js';
import { acrossAccounts, type TenantDb } from './tenant.js';
import { updateRows } from './batch-update.js';
import { newId } from '../../lib/ids.js';
import type { Dialect } from '../dialect.js';
import { bulkInserter } from './bulk-insert.js';

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
    actor: row.actor,
    key_id: row.key_id,
  };
}

function eventColumns(e: EventRecord) {
  return {
    id: e.id,
    created: e.created,
    type: e.type,
    api_version: e.api_version,
    customer_id: e.customer_id,
    data: toJson(e.data) ?? '{}',
    request_id: e.request_id,
    idempotency_key: e.idempotency_key,
    actor: e.actor,
    key_id: e.key_id,
  };
}

/** Events (and deliveries) per multi-row INSERT at most. */
const EVENTS_PER_INSERT = 512;
const EVENT_COLUMNS = ['id', 'created', 'type', 'api_version', 'customer_id', 'data', 'request_id', 'idempotency_key', 'actor', 'key_id'] as const;

export function eventsRepository(db: Kysely<Database>, tenant: TenantDb, dialect: Dialect): EventsRepository {
  const rows = (scope: Parameters<TenantDb>[0]) => tenant(scope).selectFrom('events').selectAll();
  const insertEvents = bulkInserter(db, tenant, dialect, 'events', EVENT_COLUMNS, EVENTS_PER_INSERT);

  return {
    /** One or many events: multi-row statements of power-of-two sizes, each prepared once. */
    async insert(scope, events) {
      await insertEvents(
        scope,
        events.map((e) => {
          const c = eventColumns(e);
          return EVENT_COLUMNS.map((column) => c[column]);
        }),
      );
    },
    async findById(scope, id) {
      const row = await rows(scope).where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },
    cursorOf: (scope, id) => positionOf(tenant(scope), 'events', id),
    async list(scope, filters, page) {
      let query = rows(scope);
      if (filters.types && filters.types.length > 0) query = query.where('type', 'in', filters.types);
      if (filters.customerId !== undefined) query = query.where('customer_id', '=', filters.customerId);
      const found = await applyPage(query, page).execute();
      return found.map(toRecord);
    },
    async listForCustomer(scope, customerId) {
      const found = await rows(scope).where('customer_id', '=', customerId).orderBy('created', 'desc').orderBy('seq', 'desc').execute();
      return found.map(toRecord);
    },
    async replaceData(scope, changes) {
      const rows = changes.map(({ id, data }) => ({ id, values: { data: toJson(data) ?? '{}' } }));
      await updateRows(tenant(scope), dialect, 'events', rows, { data: 'jsonb' });
    },
    async pendingWebhooks(scope, eventIds) {
      const out = new Map<string, number>(eventIds.map((id) => [id, 0]));
      if (eventIds.length === 0) return out;
      const found = await tenant(scope)
        .selectFrom('webhook_deliveries')
        .select(['event_id', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('event_id', 'in', eventIds)
        .where(sql<SqlBool>`status = 'pending'`)
        .groupBy('event_id')
        .execute();
      for (const row of found) out.set(row.event_id, Number(row.n));
      return out;
    },
    async sweep(before, limit) {
      // Retention is the same for every account: one sweep serves them all.
      const old = await acrossAccounts(
        db.selectFrom('events').select(['account_id', 'livemode', 'id']).where('created', '<', before).limit(limit),
      ).execute();
      if (old.length === 0) return 0;
      for (const { account_id, livemode, id } of old) {
        const t = tenant({ accountId: account_id, livemode: livemode === 1 });
        await t.deleteFrom('webhook_attempts').where('event_id', '=', id).execute();
        await t.deleteFrom('webhook_deliveries').where('event_id', '=', id).execute();
        await t.deleteFrom('events').where('id', '=', id).execute();
      }
      return old.length;
    },
  };
}

/** Fan-out at write time, in the writer's transaction: one pending delivery per matching endpoint. */
const DELIVERY_COLUMNS = [
  'id',
  'endpoint_id',
  'event_id',
  'created',
  'status',
  'attempts',
  'next_attempt_at',
  'lease_until',
  'last_status_code',
  'last_error',
] as const;

export function webhookOutbox(db: Kysely<Database>, tenant: TenantDb, dialect: Dialect): WebhookOutbox {
  const insertDeliveries = bulkInserter(db, tenant, dialect, 'webhook_deliveries', DELIVERY_COLUMNS, EVENTS_PER_INSERT);
  const enabledEndpoints = async (scope: Parameters<TenantDb>[0]) => {
    const endpoints = await tenant(scope)
      .selectFrom('webhook_endpoints')
      .select(['id', 'enabled_events'])
      .where(sql<SqlBool>`status = 'enabled'`)
      .execute();
    return endpoints.map((e) => ({ id: e.id, types: fromJson<string[]>(e.enabled_events, []) }));
  };
  const deliveries = (endpoints: Array<{ id: string; types: string[] }>, event: EventRecord, now: number) =>
    endpoints
      .filter((e) => e.types.includes('*') || e.types.includes(event.type))
      .map((endpoint) => ({
        id: newId('whd'),
        endpoint_id: endpoint.id,
        event_id: event.id,
        created: event.created,
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        lease_until: null,
        last_status_code: null,
        last_error: null,
      }));

  return {
    async enqueue(scope, events) {
      if (events.length === 0) return 0;
      const endpoints = await enabledEndpoints(scope);
      if (endpoints.length === 0) return 0;
      // Epoch milliseconds, like lease_until: retry delays can be shorter than a second.
      const now = Date.now();
      const rows = events.flatMap((event) => deliveries(endpoints, event, now));
      await insertDeliveries(scope, rows.map((row) => DELIVERY_COLUMNS.map((column) => row[column])));
      return rows.length;
    },
  };
}
