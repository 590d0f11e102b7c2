import type { Repositories } from '../../store/port.js';
import type { PaymentMethodRecord } from '../payment-methods/payment-method.js';
import type { TaxIdRecord } from '../tax-ids/tax-id.js';
import type { CustomerRecord, Scope } from './customer.js';

/** What `expand[]` can add to a customer (SPEC C-1). */
export const CUSTOMER_EXPANSIONS = ['tax_ids', 'invoice_settings.default_payment_method'] as const;
export type CustomerExpansion = (typeof CUSTOMER_EXPANSIONS)[number];

/** A customer with whatever was asked to be expanded, loaded in batches (never a query per row). */
export interface CustomerView {
  customer: CustomerRecord;
  taxIds?: TaxIdRecord[];
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
