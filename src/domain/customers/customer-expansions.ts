import { expandableId, includable, type ExpandableFields } from '../expansion/expansion.js';
import { OWNED_RESOURCES } from '../owned-resources.js';
import { loadCustomers } from './customer-loader.js';

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
