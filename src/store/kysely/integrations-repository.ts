import type { Selectable } from 'kysely';
import type { IntegrationRecord } from '../../domain/integrations/integration.js';
import type { IntegrationsRepository } from '../port.js';
import type { IntegrationsTable } from '../schema.js';
import { fromJson, toJson } from './codec.js';
import { applyPage, positionOf } from './keyset.js';
import type { TenantDb } from './tenant.js';

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

export function integrationsRepository(tenant: TenantDb): IntegrationsRepository {
  const rows = (scope: Parameters<TenantDb>[0]) => tenant(scope).selectFrom('integrations').selectAll();

  return {
    async insert(scope, i) {
      await tenant(scope)
        .insertInto('integrations', {
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
      const row = await rows(scope).where('customer_id', '=', customerId).where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },
    async findByProvider(scope, provider, providerId) {
      const row = await rows(scope).where('provider', '=', provider).where('provider_id', '=', providerId).executeTakeFirst();
      return row && toRecord(row);
    },
    async delete(scope, id) {
      await tenant(scope).deleteFrom('integrations').where('id', '=', id).execute();
    },
    cursorOf: (scope, customerId, id) => positionOf(tenant(scope), 'integrations', id, customerId),
    async list(scope, customerId, page) {
      const found = await applyPage(rows(scope).where('customer_id', '=', customerId), page).execute();
      return found.map(toRecord);
    },
    async listForCustomers(scope, customerIds) {
      if (customerIds.length === 0) return [];
      const found = await tenant(scope).newestFirst(rows(scope).where('customer_id', 'in', customerIds)).execute();
      return found.map(toRecord);
    },
    async deleteAllOf(scope, customerId) {
      const deleted = await tenant(scope).deleteFrom('integrations').where('customer_id', '=', customerId).returningAll().execute();
      return deleted.map(toRecord);
    },
  };
}
