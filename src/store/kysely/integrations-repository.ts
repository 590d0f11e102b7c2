import type { Kysely, Selectable } from 'kysely';
import type { IntegrationRecord } from '../../domain/integrations/integration.js';
import type { IntegrationsRepository } from '../port.js';
import type { Database, IntegrationsTable } from '../schema.js';
import { flag, fromJson, toJson } from './codec.js';
import { applyPage, positionOf } from './keyset.js';

function toRecord(row: Selectable<IntegrationsTable>): IntegrationRecord {
  return {
    id: row.id,
    livemode: row.livemode === 1,
    created: row.created,
    customer_id: row.customer_id,
    provider: row.provider,
    provider_id: row.provider_id,
    metadata: fromJson(row.metadata, {}),
  };
}

export function integrationsRepository(db: Kysely<Database>): IntegrationsRepository {
  const scoped = (accountId: string, livemode: boolean) =>
    db.selectFrom('integrations').selectAll().where('account_id', '=', accountId).where('livemode', '=', flag(livemode));

  return {
    async insert(scope, i) {
      await db
        .insertInto('integrations')
        .values({
          account_id: scope.accountId,
          livemode: flag(scope.livemode),
          id: i.id,
          created: i.created,
          customer_id: i.customer_id,
          provider: i.provider,
          provider_id: i.provider_id,
          metadata: toJson(i.metadata) ?? '{}',
        })
        .execute();
    },
    async find(scope, customerId, id) {
      const row = await scoped(scope.accountId, scope.livemode)
        .where('customer_id', '=', customerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toRecord(row);
    },
    async findByProvider(scope, provider, providerId) {
      const row = await scoped(scope.accountId, scope.livemode)
        .where('provider', '=', provider)
        .where('provider_id', '=', providerId)
        .executeTakeFirst();
      return row && toRecord(row);
    },
    async delete(scope, id) {
      await db
        .deleteFrom('integrations')
        .where('account_id', '=', scope.accountId)
        .where('livemode', '=', flag(scope.livemode))
        .where('id', '=', id)
        .execute();
    },
    cursorOf: (scope, customerId, id) => positionOf(db, 'integrations', scope, id, customerId),
    async list(scope, customerId, page) {
      const rows = await applyPage(scoped(scope.accountId, scope.livemode).where('customer_id', '=', customerId), page).execute();
      return rows.map(toRecord);
    },
    async listForCustomers(scope, customerIds) {
      if (customerIds.length === 0) return [];
      const rows = await scoped(scope.accountId, scope.livemode)
        .where('customer_id', 'in', customerIds)
        .orderBy('created', 'desc')
        .orderBy('seq', 'desc')
        .execute();
      return rows.map(toRecord);
    },
    async deleteAllOf(scope, customerId) {
      const rows = await db
        .deleteFrom('integrations')
        .where('account_id', '=', scope.accountId)
        .where('livemode', '=', flag(scope.livemode))
        .where('customer_id', '=', customerId)
        .returningAll()
        .execute();
      return rows.map(toRecord);
    },
  };
}
