import type { Services } from '../../compose.js';
import type { ActivePortalSession } from '../../domain/billing-portal/portal-session-service.js';
import type { ApiObject } from '../../domain/expansion/expansion.js';

/** Newest first, this many of each list. */
const PAGE = 20;

/**
 * What the portal shows of its one customer, read through the same services as the API, at once
 * (each list one indexed read; refunds come with their charges in one batched load).
 */
export async function loadPortal(services: Services, session: ActivePortalSession) {
  const { auth } = session;
  const id = session.record.customerId;
  const history = session.configuration.features.invoice_history.enabled;
  const none = { data: [] as ApiObject[], hasMore: false };
  const [found, taxIds, methods, invoices, charges] = await Promise.all([
    services.customers.find(auth, id),
    services.taxIds.list(auth, id, { limit: PAGE }),
    services.paymentMethods.list(auth, { customerId: id }, { limit: PAGE }),
    history ? services.invoices.list(auth, { limit: PAGE, filters: { customer: id } }) : none,
    history ? services.charges.list(auth, { limit: PAGE, filters: { customer: id } }, ['data.refunds']) : none,
  ]);
  return { customer: found.body, taxIds: taxIds.data, paymentMethods: methods.data, invoices: invoices.data, charges: charges.data };
}
