import { recordEvents } from '../events/event-writer.js';
import { expandableId, includedListOf } from '../expansion/expansion.js';
import { customerField, loadCustomers } from '../customers/customer-loader.js';
import type { OwnedResource } from '../owned-resource.js';
import { toApiTaxId } from './tax-id-mapper.js';
import { mergeTaxIds } from './tax-id-merge.js';

const EVENT_TYPES = ['customer.tax_id.created', 'customer.tax_id.deleted', 'customer.tax_id.updated'] as const;

const url = (customerId: string) => `/v1/customers/${customerId}/tax_ids`;

/** SPEC T-2: a customer's typed tax ids. Deleted with the customer. */
export const taxIdResource: OwnedResource<(typeof EVENT_TYPES)[number]> = {
  object: 'tax_id',
  exportKey: 'tax_ids',
  eventTypes: EVENT_TYPES,
  onMerge: mergeTaxIds,
  async exportOf({ repos, scope }, customerId) {
    return (await repos.taxIds.listForCustomers(scope, [customerId])).map(toApiTaxId);
  },
  async erase(repos, scope, customerId) {
    const deleted = await repos.taxIds.deleteAllOf(scope, customerId);
    await recordEvents(repos, scope, 'customer.tax_id.deleted', deleted.map((taxId) => ({ object: toApiTaxId(taxId), customerId })));
    return [];
  },
  redact: (object) => ('value' in object ? { ...object, value: null } : object),
  expandable: { customer: customerField, 'owner.customer': expandableId('owner.customer', 'customer', loadCustomers) },
  customerExpansions: {
    tax_ids: includedListOf('tax_id', url, ({ repos, scope }, ids) => repos.taxIds.listForCustomers(scope, ids), (r) => r.customer_id, toApiTaxId),
  },
};
