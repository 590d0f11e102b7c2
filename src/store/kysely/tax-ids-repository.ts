import type { Selectable } from 'kysely';
import type { TaxIdRecord } from '../../domain/tax-ids/tax-id.js';
import type { TaxIdsRepository } from '../port.js';
import type { TaxIdsTable } from '../schema.js';
import { applyPage, positionOf } from './keyset.js';
import type { TenantDb } from './tenant.js';

function toRecord(row: Selectable<TaxIdsTable>): TaxIdRecord {
  return {
    id: row.id,
    livemode: row.livemode === 1,
    created: row.created,
    customer_id: row.customer_id,
    type: row.type,
    value: row.value,
    country: row.country,
    verification_status: row.verification_status as TaxIdRecord['verification_status'],
  };
}

export function taxIdsRepository(tenant: TenantDb): TaxIdsRepository {
  const ofCustomer = (scope: Parameters<TenantDb>[0], customerId: string | undefined) => {
    const all = tenant(scope).selectFrom('tax_ids').selectAll();
    return customerId === undefined ? all : all.where('customer_id', '=', customerId);
  };

  return {
    async insert(scope, t) {
      await tenant(scope)
        .insertInto('tax_ids', {
          id: t.id,
          created: t.created,
          customer_id: t.customer_id,
          type: t.type,
          value: t.value,
          country: t.country,
          verification_status: t.verification_status,
        })
        .execute();
    },
    async find(scope, customerId, id) {
      const row = await ofCustomer(scope, customerId).where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },
    async delete(scope, id) {
      await tenant(scope).deleteFrom('tax_ids').where('id', '=', id).execute();
    },
    async countOf(scope, customerId) {
      const row = await tenant(scope)
        .selectFrom('tax_ids')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('customer_id', '=', customerId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    cursorOf: (scope, customerId, id) => positionOf(tenant(scope), 'tax_ids', id, customerId),
    async list(scope, customerId, page) {
      const rows = await applyPage(ofCustomer(scope, customerId), page).execute();
      return rows.map(toRecord);
    },
    async listForCustomers(scope, customerIds) {
      if (customerIds.length === 0) return [];
      const t = tenant(scope);
      const rows = await t.newestFirst(t.selectFrom('tax_ids').selectAll().where('customer_id', 'in', customerIds)).execute();
      return rows.map(toRecord);
    },
    async deleteAllOf(scope, customerId) {
      const rows = await tenant(scope).deleteFrom('tax_ids').where('customer_id', '=', customerId).returningAll().execute();
      return rows.map(toRecord);
    },
  };
}
