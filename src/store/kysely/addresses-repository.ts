import { sql, type Selectable, type SqlBool } from 'kysely';
import type { AddressRecord } from '../../domain/addresses/address.js';
import type { AddressesRepository } from '../port.js';
import type { AddressesTable } from '../schema.js';
import { flag, fromJson, toJson } from './codec.js';
import { applyPage, positionOf } from './keyset.js';
import type { TenantDb } from './tenant.js';

const NO_ADDRESS = { line1: null, line2: null, city: null, state: null, postal_code: null, country: null };

function toRecord(row: Selectable<AddressesTable>): AddressRecord {
  return {
    id: row.id,
    livemode: row.livemode === 1,
    created: row.created,
    updated: row.updated,
    version: row.version,
    customer_id: row.customer_id,
    label: row.label,
    name: row.name,
    phone: row.phone,
    address: fromJson(row.address, NO_ADDRESS),
    postal_code_key: row.postal_code_key,
    default_billing: row.default_billing === 1,
    default_shipping: row.default_shipping === 1,
    metadata: fromJson(row.metadata, {}),
  };
}

function mutableColumns(a: AddressRecord) {
  return {
    updated: a.updated,
    version: a.version,
    label: a.label,
    name: a.name,
    phone: a.phone,
    address: toJson(a.address) ?? '{}',
    postal_code_key: a.postal_code_key,
    default_billing: flag(a.default_billing),
    default_shipping: flag(a.default_shipping),
    metadata: toJson(a.metadata) ?? '{}',
  };
}

export function addressesRepository(tenant: TenantDb): AddressesRepository {
  const ofCustomer = (scope: Parameters<TenantDb>[0], customerId: string) =>
    tenant(scope).selectFrom('addresses').selectAll().where('customer_id', '=', customerId);

  return {
    async insert(scope, a) {
      await tenant(scope)
        .insertInto('addresses', { id: a.id, created: a.created, customer_id: a.customer_id, ...mutableColumns(a) })
        .execute();
    },
    async find(scope, customerId, id) {
      const row = await ofCustomer(scope, customerId).where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },
    async defaultsOf(scope, customerId) {
      const rows = await ofCustomer(scope, customerId)
        .where(sql<SqlBool>`(default_billing = 1 OR default_shipping = 1)`)
        .orderBy('seq')
        .execute();
      return rows.map(toRecord);
    },
    async update(scope, a) {
      await tenant(scope).updateTable('addresses').set(mutableColumns(a)).where('id', '=', a.id).execute();
    },
    async delete(scope, id) {
      await tenant(scope).deleteFrom('addresses').where('id', '=', id).execute();
    },
    async countOf(scope, customerId) {
      const row = await tenant(scope)
        .selectFrom('addresses')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('customer_id', '=', customerId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    cursorOf: (scope, customerId, id) => positionOf(tenant(scope), 'addresses', id, customerId),
    async list(scope, customerId, page) {
      return (await applyPage(ofCustomer(scope, customerId), page).execute()).map(toRecord);
    },
    async listForCustomers(scope, customerIds) {
      if (customerIds.length === 0) return [];
      const t = tenant(scope);
      const rows = await t.newestFirst(t.selectFrom('addresses').selectAll().where('customer_id', 'in', customerIds)).execute();
      return rows.map(toRecord);
    },
    async deleteAllOf(scope, customerId) {
      const rows = await tenant(scope).deleteFrom('addresses').where('customer_id', '=', customerId).returningAll().execute();
      return rows.map(toRecord);
    },
  };
}
