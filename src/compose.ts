import type { Config } from './config.js';
import { accountService } from './domain/accounts/account-service.js';
import { addressService } from './domain/addresses/address-service.js';
import { contactService } from './domain/contacts/contact-service.js';
import { customerService } from './domain/customers/customer-service.js';
import { eventService } from './domain/events/event-service.js';
import { idempotencyService } from './domain/idempotency/idempotency-service.js';
import { integrationService } from './domain/integrations/integration-service.js';
import { paymentMethodService } from './domain/payment-methods/payment-method-service.js';
import { searchService } from './domain/search/search-service.js';
import { taxIdService } from './domain/tax-ids/tax-id-service.js';
import { rateLimiter } from './domain/rate-limits/rate-limiter.js';
import { urlGuard } from './domain/webhooks/url-guard.js';
import { webhookEndpointService } from './domain/webhooks/webhook-endpoint-service.js';
import type { Store } from './store/port.js';

/** The composition root: every service gets exactly the dependencies it uses. */
export function createServices(
  store: Store,
  config: Pick<
    Config,
    'apiKeyCacheMs' | 'maxHierarchyDepth' | 'webhookAllowPrivateNetworks' | 'rateLimitLive' | 'rateLimitTest' | 'rateLimitSearch'
  >,
) {
  const paymentMethods = paymentMethodService({ store });
  return {
    accounts: accountService(store, { keyCacheMs: config.apiKeyCacheMs }),
    health: { ready: () => store.ping() },
    idempotency: idempotencyService({ store }),
    customers: customerService({ store, paymentMethods, maxHierarchyDepth: config.maxHierarchyDepth }),
    integrations: integrationService({ store }),
    contacts: contactService({ store }),
    addresses: addressService({ store }),
    events: eventService({ store }),
    paymentMethods,
    rateLimits: rateLimiter(store.rateLimits, { live: config.rateLimitLive, test: config.rateLimitTest, search: config.rateLimitSearch }),
    search: searchService({ store }),
    taxIds: taxIdService({ store }),
    webhookEndpoints: webhookEndpointService({ store, guard: urlGuard({ allowPrivateNetworks: config.webhookAllowPrivateNetworks }) }),
  };
}

export type Services = ReturnType<typeof createServices>;
