import { sql, type Kysely, type Selectable } from 'kysely';
import type { ClaimedDelivery, WebhookAttemptRecord, WebhookEndpointRecord } from '../../domain/webhooks/webhook-endpoint.js';
import type { Dialect } from '../dialect.js';
import type { ClaimOptions, WebhookDeliveriesRepository, WebhookEndpointsRepository } from '../port.js';
import type { Database, WebhookAttemptsTable, WebhookEndpointsTable } from '../schema.js';
import { fromJson, toJson } from './codec.js';
import { applyPage, positionOf } from './keyset.js';
import { ACROSS_ACCOUNTS_MARK, type TenantDb } from './tenant.js';

function toEndpoint(row: Selectable<WebhookEndpointsTable>): WebhookEndpointRecord {
  return {
    id: row.id,
    livemode: row.livemode === 1,
    created: row.created,
    updated: row.updated,
    version: row.version,
    url: row.url,
    enabled_events: fromJson<string[]>(row.enabled_events, []),
    description: row.description,
    metadata: fromJson(row.metadata, {}),
    status: row.status === 'enabled' ? 'enabled' : 'disabled',
    secret: row.secret,
    api_version: row.api_version,
  };
}

function toAttempt(row: Selectable<WebhookAttemptsTable>): WebhookAttemptRecord {
  return {
    id: row.id,
    livemode: row.livemode === 1,
    endpoint_id: row.endpoint_id,
    delivery_id: row.delivery_id,
    event_id: row.event_id,
    created: row.created,
    status_code: row.status_code,
    latency_ms: row.latency_ms,
    error: row.error,
    next_retry_at: row.next_retry_at,
  };
}

export function webhookEndpointsRepository(tenant: TenantDb): WebhookEndpointsRepository {
  const rows = (scope: Parameters<TenantDb>[0]) => tenant(scope).selectFrom('webhook_endpoints').selectAll();

  return {
    async insert(scope, e) {
      await tenant(scope)
        .insertInto('webhook_endpoints', {
          id: e.id,
          created: e.created,
          updated: e.updated,
          version: e.version,
          url: e.url,
          enabled_events: toJson(e.enabled_events) ?? '[]',
          description: e.description,
          metadata: toJson(e.metadata) ?? '{}',
          status: e.status,
          secret: e.secret,
          api_version: e.api_version,
        })
        .execute();
    },
    async findById(scope, id, options) {
      const row = await tenant(scope).lock(rows(scope).where('id', '=', id), options?.forUpdate).executeTakeFirst();
      return row && toEndpoint(row);
    },
    async update(scope, e) {
      await tenant(scope)
        .updateTable('webhook_endpoints')
        .set({
          updated: e.updated,
          version: e.version,
          url: e.url,
          enabled_events: toJson(e.enabled_events) ?? '[]',
          description: e.description,
          metadata: toJson(e.metadata) ?? '{}',
          status: e.status,
        })
        .where('id', '=', e.id)
        .execute();
    },
    async delete(scope, id) {
      const t = tenant(scope);
      await t.deleteFrom('webhook_attempts').where('endpoint_id', '=', id).execute();
      await t.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
      await t.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
    },
    cursorOf: (scope, id) => positionOf(tenant(scope), 'webhook_endpoints', id),
    async list(scope, page) {
      const found = await applyPage(rows(scope), page).execute();
      return found.map(toEndpoint);
    },
  };
}

interface ClaimedRow {
  account_id: string;
  livemode: number;
  id: string;
  endpoint_id: string;
  event_id: string;
  attempts: number;
}

/**
 * Due deliveries worth claiming: pending, due, of an enabled endpoint, not leased by anyone,
 * and per endpoint only as many as keep its in-flight count (live leases, whichever process
 * holds them) within `perEndpoint`, oldest first. A slow or dead endpoint therefore never
 * holds more than a few of the worker's slots, and its backlog never hides other endpoints'
 * deliveries (each endpoint is ranked on its own).
 */
function candidates(options: ClaimOptions) {
  const { now, perEndpoint, limit } = options;
  return sql`
    due AS (
      SELECT d.account_id, d.id, d.endpoint_id, d.next_attempt_at, d.seq,
             CASE WHEN d.lease_until IS NOT NULL AND d.lease_until > ${now} THEN 1 ELSE 0 END AS busy
      FROM webhook_deliveries d
      JOIN webhook_endpoints e ON e.account_id = d.account_id AND e.id = d.endpoint_id
      WHERE d.status = 'pending' AND d.next_attempt_at <= ${now} AND e.status = 'enabled'
    ),
    ranked AS (
      SELECT account_id, id, next_attempt_at, seq, busy,
             row_number() OVER (PARTITION BY account_id, endpoint_id, busy ORDER BY next_attempt_at, seq) AS rn,
             sum(busy) OVER (PARTITION BY account_id, endpoint_id) AS in_flight
      FROM due
    ),
    candidates AS (
      SELECT account_id, id FROM ranked
      WHERE busy = 0 AND rn + in_flight <= ${perEndpoint}
      ORDER BY next_attempt_at, seq
      LIMIT ${limit}
    )`;
}

export function webhookDeliveriesRepository(db: Kysely<Database>, tenant: TenantDb, dialect: Dialect): WebhookDeliveriesRepository {
  const of = (delivery: ClaimedDelivery) => tenant({ accountId: delivery.accountId, livemode: delivery.livemode });
  const toClaimed = (leaseUntil: number) => (row: ClaimedRow): ClaimedDelivery => ({
    accountId: row.account_id,
    livemode: Number(row.livemode) === 1,
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    attempts: Number(row.attempts),
    lease: leaseUntil,
  });

  return {
    async claim(options) {
      const { now, leaseUntil } = options;
      // PostgreSQL: rows another process is claiming right now are skipped, not waited for;
      // the lease check is repeated on the locked row, so nothing is claimed twice.
      // SQLite: the store's write transaction holds the database's only write lock.
      // The claim serves every account at once: the worker delivers for all of them.
      const across = sql.raw(ACROSS_ACCOUNTS_MARK);
      const query =
        dialect === 'postgres'
          ? sql<ClaimedRow>`
              WITH ${candidates(options)},
              locked AS (
                SELECT d.account_id, d.id FROM webhook_deliveries d
                JOIN candidates c ON c.account_id = d.account_id AND c.id = d.id
                WHERE d.status = 'pending' AND (d.lease_until IS NULL OR d.lease_until <= ${now})
                FOR UPDATE OF d SKIP LOCKED
              )
              UPDATE webhook_deliveries w SET lease_until = ${leaseUntil}
              FROM locked l WHERE w.account_id = l.account_id AND w.id = l.id
              RETURNING w.account_id, w.livemode, w.id, w.endpoint_id, w.event_id, w.attempts ${across}`
          : sql<ClaimedRow>`
              WITH ${candidates(options)}
              UPDATE webhook_deliveries SET lease_until = ${leaseUntil}
              WHERE (account_id, id) IN (SELECT account_id, id FROM candidates)
                AND status = 'pending' AND (lease_until IS NULL OR lease_until <= ${now})
              RETURNING account_id, livemode, id, endpoint_id, event_id, attempts ${across}`;
      const { rows } = await query.execute(db);
      return rows.map(toClaimed(leaseUntil));
    },

    async complete(delivery, outcome) {
      const { attempt } = outcome;
      const updated = await of(delivery)
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          status: outcome.status,
          attempts: eb('attempts', '+', 1),
          ...(outcome.nextAttemptAt !== null && { next_attempt_at: outcome.nextAttemptAt }),
          lease_until: null,
          last_status_code: attempt.status_code,
          last_error: attempt.error,
        }))
        .where('id', '=', delivery.id)
        .where('lease_until', '=', delivery.lease)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return false;
      await of(delivery)
        .insertInto('webhook_attempts', {
          id: attempt.id,
          endpoint_id: attempt.endpoint_id,
          delivery_id: attempt.delivery_id,
          event_id: attempt.event_id,
          created: attempt.created,
          status_code: attempt.status_code,
          latency_ms: attempt.latency_ms,
          error: attempt.error,
          next_retry_at: attempt.next_retry_at,
        })
        .execute();
      if (outcome.disableEndpoint) {
        await of(delivery)
          .updateTable('webhook_endpoints')
          .set((eb) => ({ status: 'disabled', version: eb('version', '+', 1), updated: attempt.created }))
          .where('id', '=', delivery.endpointId)
          .execute();
      }
      return true;
    },

    async release(delivery) {
      await of(delivery)
        .updateTable('webhook_deliveries')
        .set({ lease_until: null })
        .where('id', '=', delivery.id)
        .where('lease_until', '=', delivery.lease)
        .execute();
    },

    async attemptCursorOf(scope, endpointId, id) {
      return tenant(scope)
        .selectFrom('webhook_attempts')
        .select(['created', 'seq'])
        .where('endpoint_id', '=', endpointId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    async listAttempts(scope, endpointId, filters, page) {
      let query = tenant(scope).selectFrom('webhook_attempts').selectAll().where('endpoint_id', '=', endpointId);
      if (filters.eventId !== undefined) query = query.where('event_id', '=', filters.eventId);
      const rows = await applyPage(query, page).execute();
      return rows.map(toAttempt);
    },
  };
}
