import type { Selectable } from 'kysely';
import type { PaymentMethodRecord } from '../../domain/payment-methods/payment-method.js';
import type { PaymentMethodsRepository } from '../port.js';
import type { PaymentMethodsTable } from '../schema.js';
import { flag, fromJson, toJson } from './codec.js';
import type { Dialect } from '../dialect.js';
import { updateRows, type PgColumnTypes } from './batch-update.js';
import { applyPage, positionOf } from './keyset.js';
import type { TenantDb } from './tenant.js';

const COLUMN_TYPES: PgColumnTypes = {
  updated: 'bigint',
  version: 'integer',
  detached: 'integer',
  billing_details: 'jsonb',
  card: 'jsonb',
  metadata: 'jsonb',
};

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

export function paymentMethodsRepository(tenant: TenantDb, dialect: Dialect): PaymentMethodsRepository {
  const rows = (scope: Parameters<TenantDb>[0]) => tenant(scope).selectFrom('payment_methods').selectAll();

  return {
    async insert(scope, m) {
      await tenant(scope).insertInto('payment_methods', { id: m.id, created: m.created, ...columns(m) }).execute();
    },
    async findById(scope, id, options) {
      const t = tenant(scope);
      const row = await t.lock(rows(scope).where('id', '=', id), options?.forUpdate).executeTakeFirst();
      return row && toRecord(row);
    },
    async findByIds(scope, ids) {
      const out = new Map<string, PaymentMethodRecord>();
      if (ids.length === 0) return out;
      for (const row of await tenant(scope).selectByIds('payment_methods').selectAll().where('id', 'in', ids).execute()) out.set(row.id, toRecord(row));
      return out;
    },
    async update(scope, m) {
      await tenant(scope).updateTable('payment_methods').set(columns(m)).where('id', '=', m.id).execute();
    },
    async updateMany(scope, methods) {
      await updateRows(tenant(scope), dialect, 'payment_methods', methods.map((m) => ({ id: m.id, values: columns(m) })), COLUMN_TYPES);
    },
    cursorOf: (scope, id) => positionOf(tenant(scope), 'payment_methods', id),
    async list(scope, filters, page) {
      let query = rows(scope);
      if (filters.customerId !== undefined) query = query.where('customer_id', '=', filters.customerId);
      if (filters.type !== undefined) query = query.where('type', '=', filters.type);
      const found = await applyPage(query, page).execute();
      return found.map(toRecord);
    },
    async listForCustomers(scope, customerIds) {
      if (customerIds.length === 0) return [];
      const found = await tenant(scope).newestFirst(rows(scope).where('customer_id', 'in', customerIds)).execute();
      return found.map(toRecord);
    },
    async allOf(scope, customerId) {
      const found = await rows(scope).where('customer_id', '=', customerId).orderBy('created', 'desc').orderBy('seq', 'desc').execute();
      return found.map(toRecord);
    },
  };
}
