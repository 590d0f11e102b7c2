import type { OwnedResource } from '../owned-resource.js';

/**
 * Issue 19: a customer's portal sessions. Not exported (a session is access, not data about the
 * person); deleting the customer ends them with it, in the delete's transaction.
 */
export const portalSessionResource: OwnedResource<never> = {
  object: 'billing_portal.session',
  eventTypes: [],
  async erase(repos, scope, customerId) {
    await repos.portalSessions.deleteForCustomer(scope, customerId);
    return [];
  },
};
