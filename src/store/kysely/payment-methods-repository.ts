import type { Kysely, Selectable } from 'kysely';
import type { PaymentMethodRecord } from '../../domain/payment-methods/payment-method.js';
import type { Dialect } from '../dialect.js';
import type { PaymentMethodsRepository } from '../port.js';
import type { Database, PaymentMethodsTable } from '../schema.js';
import { flag, fromJson, toJson } from './codec.js';
import { applyPage, positionOf } from './keyset.js';

function toRecord(row: Selectable<PaymentMethodsTable>): PaymentMethodRecord {
  return {
    id: row.id,
    livemode: row.livemode === 1,
    created: row.created,
    updated: row.updated,
    version: row.version,
    type: row.type as PaymentMethodRecord['type'],
    customer_id: row.customer_id,
    detached: row.detached === 1,
    billing_details: fromJson(row.billing_details, { address: null, email: null, name: null, phone: null }),
    card: fromJson(row.card, null),
    provider:
      row.provider_name !== null && row.provider_reference !== null
        ? { name: row.provider_name, reference: row.provider_reference }
        : null,
    metadata: fromJson(row.metadata, {}),
  };
}

function columns(m: PaymentMethodRecord) {
  return {
    updated: m.updated,
    version: m.version,
    type: m.type,
    customer_id: m.customer_id,
    detached: flag(m.detached),
    billing_details: toJson(m.billing_details) ?? '{}',
    card: toJson(m.card),
    provider_name: m.provider?.name ?? null,
    provider_reference: m.provider?.reference ?? null,
    metadata: toJson(m.metadata) ?? '{}',
  };
}

export function paymentMethodsRepository(db: Kysely<Database>, dialect: Dialect): PaymentMethodsRepository {
  const scoped = (accountId: string, livemode: boolean) =>
    db.selectFrom('payment_methods').selectAll().where('account_id', '=', accountId).where('livemode', '=', flag(livemode));

  return {
    async insert(scope, m) {
      await db
        .insertInto('payment_methods')
        .values({ account_id: scope.accountId, livemode: flag(scope.livemode), id: m.id, created: m.created, ...columns(m) })
        .execute();
    },
    async findById(scope, id, options) {
      let query = scoped(scope.accountId, scope.livemode).where('id', '=', id);
      if (options?.forUpdate && dialect === 'postgres') query = query.forUpdate();
      const row = await query.executeTakeFirst();
      return row && toRecord(row);
    },
    async findByIds(scope, ids) {
      const out = new Map<string, PaymentMethodRecord>();
      if (ids.length === 0) return out;
      const rows = await scoped(scope.accountId, scope.livemode).where('id', 'in', ids).execute();
      for (const row of rows) out.set(row.id, toRecord(row));
      return out;
    },
    async update(scope, m) {
      await db
        .updateTable('payment_methods')
        .set(columns(m))
        .where('account_id', '=', scope.accountId)
        .where('livemode', '=', flag(scope.livemode))
        .where('id', '=', m.id)
        .execute();
    },
    cursorOf: (scope, id) => positionOf(db, 'payment_methods', scope, id),
    async list(scope, filters, page) {
      let query = scoped(scope.accountId, scope.livemode);
      if (filters.customerId !== undefined) query = query.where('customer_id', '=', filters.customerId);
      if (filters.type !== undefined) query = query.where('type', '=', filters.type);
      const rows = await applyPage(query, page).execute();
      return rows.map(toRecord);
    },
    async allOf(scope, customerId) {
      const rows = await scoped(scope.accountId, scope.livemode)
        .where('customer_id', '=', customerId)
        .orderBy('created', 'desc')
        .orderBy('seq', 'desc')
        .execute();
      return rows.map(toRecord);
    },
  };
}
