import type { Repositories } from '../../store/port.js';
import type { IntegrationRecord } from '../integrations/integration.js';
import type { PaymentMethodRecord } from '../payment-methods/payment-method.js';
import type { TaxIdRecord } from '../tax-ids/tax-id.js';
import type { CustomerRecord } from './customer.js';
import type { Scope } from '../scope.js';

/** What `expand[]` can add to a customer (SPEC C-1). */
export const CUSTOMER_EXPANSIONS = [
  'tax_ids',
  'integrations',
  'children_count',
  'parent',
  'invoice_settings.default_payment_method',
] as const;
export type CustomerExpansion = (typeof CUSTOMER_EXPANSIONS)[number];

/** A customer with whatever was asked to be expanded, loaded in batches (never a query per row). */
export interface CustomerView {
  customer: CustomerRecord;
  taxIds?: TaxIdRecord[];
  integrations?: IntegrationRecord[];
  childrenCount?: number;
  parent?: CustomerRecord | null;
  defaultPaymentMethod?: PaymentMethodRecord | null;
}

export async function loadCustomerViews(
  repos: Repositories,
  scope: Scope,
  customers: CustomerRecord[],
  expand: ReadonlySet<string>,
): Promise<CustomerView[]> {
  const views: CustomerView[] = customers.map((customer) => ({ customer }));
  const live = customers.filter((c) => !c.deleted);
  if (expand.has('tax_ids')) {
    const all = await repos.taxIds.listForCustomers(scope, live.map((c) => c.id));
    for (const view of views) view.taxIds = all.filter((t) => t.customer_id === view.customer.id);
  }
  if (expand.has('integrations')) {
    const all = await repos.integrations.listForCustomers(scope, live.map((c) => c.id));
    for (const view of views) view.integrations = all.filter((i) => i.customer_id === view.customer.id);
  }
  if (expand.has('children_count')) {
    const counts = await repos.customers.countChildren(scope, live.map((c) => c.id));
    for (const view of views) view.childrenCount = counts.get(view.customer.id) ?? 0;
  }
  if (expand.has('parent')) {
    const ids = live.map((c) => c.parent_id).filter((id): id is string => id !== null);
    const parents = await repos.customers.findByIds(scope, [...new Set(ids)]);
    for (const view of views) {
      const id = view.customer.parent_id;
      view.parent = id === null ? null : (parents.get(id) ?? null);
    }
  }
  if (expand.has('invoice_settings.default_payment_method')) {
    const ids = live.map((c) => c.invoice_settings.default_payment_method).filter((id): id is string => id !== null);
    const methods = await repos.paymentMethods.findByIds(scope, ids);
    for (const view of views) {
      const id = view.customer.invoice_settings.default_payment_method;
      view.defaultPaymentMethod = id === null ? null : (methods.get(id) ?? null);
    }
  }
  return views;
}
