import type { Kysely, Selectable } from 'kysely';
import type { TaxIdRecord } from '../../domain/tax-ids/tax-id.js';
import type { TaxIdsRepository } from '../port.js';
import type { Database, TaxIdsTable } from '../schema.js';
import { flag } from './codec.js';
import { applyPage, positionOf } from './keyset.js';

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

export function taxIdsRepository(db: Kysely<Database>): TaxIdsRepository {
  const ofCustomer = (accountId: string, livemode: boolean, customerId: string) =>
    db
      .selectFrom('tax_ids')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('livemode', '=', flag(livemode))
      .where('customer_id', '=', customerId);

  return {
    async insert(scope, t) {
      await db
        .insertInto('tax_ids')
        .values({
          account_id: scope.accountId,
          livemode: flag(scope.livemode),
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
      const row = await ofCustomer(scope.accountId, scope.livemode, customerId).where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },
    async delete(scope, id) {
      await db
        .deleteFrom('tax_ids')
        .where('account_id', '=', scope.accountId)
        .where('livemode', '=', flag(scope.livemode))
        .where('id', '=', id)
        .execute();
    },
    async countOf(scope, customerId) {
      const row = await db
        .selectFrom('tax_ids')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('account_id', '=', scope.accountId)
        .where('livemode', '=', flag(scope.livemode))
        .where('customer_id', '=', customerId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    cursorOf: (scope, customerId, id) => positionOf(db, 'tax_ids', scope, id, customerId),
    async list(scope, customerId, page) {
      const rows = await applyPage(ofCustomer(scope.accountId, scope.livemode, customerId), page).execute();
      return rows.map(toRecord);
    },
    async listForCustomers(scope, customerIds) {
      if (customerIds.length === 0) return [];
      const rows = await db
        .selectFrom('tax_ids')
        .selectAll()
        .where('account_id', '=', scope.accountId)
        .where('livemode', '=', flag(scope.livemode))
        .where('customer_id', 'in', customerIds)
        .orderBy('created', 'desc')
        .orderBy('seq', 'desc')
        .execute();
      return rows.map(toRecord);
    },
    async deleteAllOf(scope, customerId) {
      const rows = await db
        .deleteFrom('tax_ids')
        .where('account_id', '=', scope.accountId)
        .where('livemode', '=', flag(scope.livemode))
        .where('customer_id', '=', customerId)
        .returningAll()
        .execute();
      return rows.map(toRecord);
    },
  };
}
