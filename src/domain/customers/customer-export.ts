import { nowSeconds } from '../../lib/ids.js';
import type { Store } from '../../store/port.js';
import { resourceMissing } from '../errors.js';
import { toApiEvent } from '../events/event-service.js';
import { toApiIntegration } from '../integrations/integration-mapper.js';
import { toApiPaymentMethod } from '../payment-methods/payment-method-mapper.js';
import { toApiTaxId } from '../tax-ids/tax-id-mapper.js';
import type { Scope } from '../scope.js';
import { toApiCustomerOrTombstone } from './customer-mapper.js';

/**
 * SPEC C-8: everything held about one customer, as one document (for access requests and
 * portability). After erasure only the tombstone remains, so the export holds no personal data.
 */
export async function exportCustomer(store: Pick<Store, 'read'>, scope: Scope, id: string) {
  return store.read(async (repos) => {
    const customer = await repos.customers.findById(scope, id);
    if (!customer) throw resourceMissing('customer', id, 'id');
    const [methods, taxIds, integrations, children, events] = await Promise.all([
      repos.paymentMethods.allOf(scope, id),
      repos.taxIds.listForCustomers(scope, [id]),
      repos.integrations.listForCustomers(scope, [id]),
      repos.customers.list(scope, { parentId: id }, { limit: 10_000 }),
      repos.events.listForCustomer(scope, id),
    ]);
    const pending = await repos.events.pendingWebhooks(scope, events.map((e) => e.id));
    return {
      object: 'customer_export' as const,
      exported_at: nowSeconds(),
      customer: toApiCustomerOrTombstone({ customer }),
      payment_methods: methods.map(toApiPaymentMethod),
      tax_ids: taxIds.map(toApiTaxId),
      integrations: integrations.map(toApiIntegration),
      children: children.map((c) => c.id),
      events: events.map((event) => toApiEvent({ event, pendingWebhooks: pending.get(event.id) ?? 0 })),
    };
  });
}
