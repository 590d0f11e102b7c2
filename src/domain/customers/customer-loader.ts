import type { ApiObject, ExpandContext, Expander } from '../expansion/expansion.js';
import { expandableId } from '../expansion/expansion.js';
import { toApiCustomerOrTombstone } from './customer-mapper.js';

/**
 * Customers by id, as API objects (a deleted one as its tombstone), for expanding an id.
 * Kept apart from the customer's own expansions so owned resources can use it without a cycle.
 */
export async function loadCustomers({ repos, scope }: ExpandContext, ids: string[]): Promise<ReadonlyMap<string, ApiObject>> {
  const customers = await repos.customers.findByIds(scope, ids);
  return new Map([...customers].map(([id, customer]) => [id, toApiCustomerOrTombstone(customer) as ApiObject]));
}

/** `customer` on an object owned by a customer (a tax id, a payment method): the customer itself. */
export const customerField: Expander = expandableId('customer', 'customer', loadCustomers);
