import type { Selectable } from 'kysely';
import type { RefundReason, RefundRecord } from '../../domain/refunds/refund.js';
import type { Scope } from '../../domain/scope.js';
import type { RefundsRepository } from '../port.js';
import type { RefundsTable } from '../schema.js';
import { fromJson, toJson } from './codec.js';
import { applyPage, positionOf } from './keyset.js';
import type { TenantDb } from './tenant.js';

function toRecord(row: Selectable<RefundsTable>): RefundRecord {
  return {
    id: row.id,
    livemode: row.livemode === 1,
    created: row.created,
    updated: row.updated,
    version: row.version,
    charge_id: row.charge_id,
    customer_id: row.customer_id,
    amount: row.amount,
    currency: row.currency,
    reason: row.reason as RefundReason | null,
    metadata: fromJson(row.metadata, {}),
  };
}

export function refundsRepository(tenant: TenantDb): RefundsRepository {
  const rows = (scope: Scope) => tenant(scope).selectFrom('refunds').selectAll();
  const newestFirst = <Q extends { orderBy(column: 'created' | 'seq', direction: 'desc'): Q }>(query: Q) =>
    query.orderBy('created', 'desc').orderBy('seq', 'desc');

  return {
    async insert(scope, r) {
      await tenant(scope)
        .insertInto('refunds', {
          id: r.id,
          created: r.created,
          updated: r.updated,
          version: r.version,
          charge_id: r.charge_id,
          customer_id: r.customer_id,
          amount: r.amount,
          currency: r.currency,
          reason: r.reason,
          metadata: toJson(r.metadata) ?? '{}',
        })
        .execute();
    },
    async findById(scope, id, options) {
      const row = await tenant(scope).lock(rows(scope).where('id', '=', id), options?.forUpdate).executeTakeFirst();
      return row && toRecord(row);
    },
    async findByIds(scope, ids) {
      const out = new Map<string, RefundRecord>();
      if (ids.length === 0) return out;
      for (const row of await tenant(scope).selectByIds('refunds').selectAll().where('id', 'in', ids).execute()) out.set(row.id, toRecord(row));
      return out;
    },
    async update(scope, r) {
      await tenant(scope)
        .updateTable('refunds')
        .set({ updated: r.updated, version: r.version, metadata: toJson(r.metadata) ?? '{}' })
        .where('id', '=', r.id)
        .execute();
    },
    cursorOf: (scope, id) => positionOf(tenant(scope), 'refunds', id),
    async list(scope, filters, page) {
      let query = rows(scope);
      if (filters.chargeId !== undefined) query = query.where('charge_id', '=', filters.chargeId);
      if (filters.customerId !== undefined) query = query.where('customer_id', '=', filters.customerId);
      return (await applyPage(query, page).execute()).map(toRecord);
    },
    async listForCharges(scope, chargeIds) {
      if (chargeIds.length === 0) return [];
      return (await tenant(scope).newestFirst(rows(scope).where('charge_id', 'in', chargeIds)).execute()).map(toRecord);
    },
    async allOf(scope, customerId) {
      return (await newestFirst(rows(scope).where('customer_id', '=', customerId)).execute()).map(toRecord);
    },
  };
}
