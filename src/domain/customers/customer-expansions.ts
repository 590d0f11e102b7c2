import { expandableId, includable, type ApiObject, type ExpandableFields, type ExpandContext } from '../expansion/expansion.js';
import { OWNED_RESOURCES } from '../owned-resources.js';
import { toApiCustomerOrTombstone } from './customer-mapper.js';

/** Customers by id, as API objects (a deleted one as its tombstone), for expanding an id. */
export async function loadCustomers({ repos, scope }: ExpandContext, ids: string[]): Promise<ReadonlyMap<string, ApiObject>> {
  const customers = await repos.customers.findByIds(scope, ids);
  return new Map([...customers].map(([id, customer]) => [id, toApiCustomerOrTombstone(customer) as ApiObject]));
}

/**
 * What expand[] can add to a customer (SPEC C-1): its own fields, then what each owned
 * resource adds (tax_ids, integrations, invoice_settings.default_payment_method, …).
 */
export const CUSTOMER_EXPANDABLE: ExpandableFields = Object.assign(
  {
    parent: expandableId('parent', 'customer', loadCustomers),
    children_count: includable(
      null,
      ({ repos, scope }, ids) => repos.customers.countChildren(scope, ids),
      { absent: () => 0 },
    ),
  },
  ...OWNED_RESOURCES.map((r) => r.customerExpansions ?? {}),
);
