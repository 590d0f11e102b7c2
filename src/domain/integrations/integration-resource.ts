import { recordEvents } from '../events/event-writer.js';
import { includedListOf } from '../expansion/expansion.js';
import { customerField } from '../customers/customer-loader.js';
import type { OwnedResource } from '../owned-resource.js';
import { toApiIntegration } from './integration-mapper.js';
import { mergeIntegrations } from './integration-merge.js';

const EVENT_TYPES = ['customer.integration.created', 'customer.integration.deleted', 'customer.integration.updated'] as const;

const url = (customerId: string) => `/v1/customers/${customerId}/integrations`;

/** SPEC I-1, I-2: a customer's ids in other systems. Deleted with the customer. */
export const integrationResource: OwnedResource<(typeof EVENT_TYPES)[number]> = {
  object: 'integration',
  exportKey: 'integrations',
  eventTypes: EVENT_TYPES,
  onMerge: mergeIntegrations,
  async exportOf({ repos, scope }, customerId) {
    return (await repos.integrations.listForCustomers(scope, [customerId])).map(toApiIntegration);
  },
  async erase(repos, scope, customerId) {
    const deleted = await repos.integrations.deleteAllOf(scope, customerId);
    await recordEvents(repos, scope, 'customer.integration.deleted', deleted.map((integration) => ({ object: toApiIntegration(integration), customerId })));
    return [];
  },
  // The id in another system identifies the person there.
  redact: (object) => ('provider_id' in object ? { ...object, provider_id: null } : object),
  expandable: { customer: customerField },
  customerExpansions: {
    integrations: includedListOf('integration', url, ({ repos, scope }, ids) => repos.integrations.listForCustomers(scope, ids), (r) => r.customer_id, toApiIntegration),
  },
};
