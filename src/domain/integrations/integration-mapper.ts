import type { IntegrationRecord } from './integration.js';

export function toApiIntegration(i: IntegrationRecord) {
  return {
    id: i.id,
    object: 'integration' as const,
    created: i.created,
    customer: i.customer_id,
    livemode: i.livemode,
    metadata: i.metadata,
    provider: i.provider,
    provider_id: i.provider_id,
  };
}

export function toDeletedIntegration(i: Pick<IntegrationRecord, 'id'>) {
  return { id: i.id, object: 'integration' as const, deleted: true as const };
}
