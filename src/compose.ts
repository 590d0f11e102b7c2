import type { Config } from './config.js';
import { accountService } from './domain/accounts/account-service.js';
import { customerExporter } from './domain/bulk/customer-export.js';
import { customerImporter } from './domain/bulk/customer-import.js';
import { chargeService } from './domain/charges/charge-service.js';
import { portalConfigurationService } from './domain/billing-portal/portal-configuration-service.js';
import { portalLoginService } from './domain/billing-portal/portal-login-service.js';
import { portalSessionService } from './domain/billing-portal/portal-session-service.js';
import { consoleSessionService } from './domain/console/console-sessions.js';
import { profileSectionService } from './domain/console/profile-sections.js';
import { addressService } from './domain/addresses/address-service.js';
import { contactService } from './domain/contacts/contact-service.js';
import { customerService } from './domain/customers/customer-service.js';
import { customerWrites } from './domain/customers/customer-writes.js';
import { eventService } from './domain/events/event-service.js';
import { idempotencyService } from './domain/idempotency/idempotency-service.js';
import { integrationService } from './domain/integrations/integration-service.js';
import { invoiceService } from './domain/invoices/invoice-service.js';
import { mergeService } from './domain/merges/merge-service.js';
import { duplicateService } from './domain/duplicates/duplicate-service.js';
import { paymentMethodService } from './domain/payment-methods/payment-method-service.js';
import { refundService } from './domain/refunds/refund-service.js';
import { searchService } from './domain/search/search-service.js';
import { taxIdService } from './domain/tax-ids/tax-id-service.js';
import { rateLimiter } from './domain/rate-limits/rate-limiter.js';
import { urlGuard } from './domain/webhooks/url-guard.js';
import { webhookEndpointService } from './domain/webhooks/webhook-endpoint-service.js';
import { smtpMailer } from './mail/mailer.js';
import type { Store } from './store/port.js';

/** The composition root: every service gets exactly the dependencies it uses. */
export function createServices(
  store: Store,
  config: Pick<
    Config,
    | 'apiKeyCacheMs'
    | 'maxHierarchyDepth'
    | 'webhookAllowPrivateNetworks'
    | 'rateLimitLive'
    | 'rateLimitTest'
    | 'rateLimitSearch'
    | 'consoleIdleTimeoutSeconds'
    | 'publicUrl'
    | 'smtpUrl'
    | 'mailFrom'
  >,
) {
  const paymentMethods = paymentMethodService({ store });
  const accounts = accountService(store, { keyCacheMs: config.apiKeyCacheMs });
  // Sign-in by email (login_page) needs an SMTP server; without SMTP_URL enabling it is refused.
  const mailer = config.smtpUrl !== null ? smtpMailer(config.smtpUrl, config.mailFrom) : null;
  const portalConfigurations = portalConfigurationService({ store, loginAvailable: mailer !== null, publicUrl: config.publicUrl });
  const portalSessions = portalSessionService({ store, configurations: portalConfigurations, publicUrl: config.publicUrl });
  return {
    portalConfigurations,
    portalSessions,
    portalLogin: portalLoginService({ store, sessions: portalSessions, configurations: portalConfigurations, mailer }),
    mailer,
    accounts,
    consoleSessions: consoleSessionService({ store, accounts, idleTimeoutSeconds: config.consoleIdleTimeoutSeconds }),
    health: { ready: () => store.ping() },
    idempotency: idempotencyService({ store }),
    customers: customerService({ store, paymentMethods, maxHierarchyDepth: config.maxHierarchyDepth }),
    merges: mergeService({ store, maxHierarchyDepth: config.maxHierarchyDepth }),
    duplicates: duplicateService({ store }),
    charges: chargeService({ store }),
    refunds: refundService({ store }),
    invoices: invoiceService({ store }),
    integrations: integrationService({ store }),
    contacts: contactService({ store }),
    addresses: addressService({ store }),
    events: eventService({ store }),
    paymentMethods,
    rateLimits: rateLimiter(store.rateLimits, { live: config.rateLimitLive, test: config.rateLimitTest, search: config.rateLimitSearch }),
    profileSections: profileSectionService({ store }),
    search: searchService({ store }),
    taxIds: taxIdService({ store }),
    webhookEndpoints: webhookEndpointService({ store, guard: urlGuard({ allowPrivateNetworks: config.webhookAllowPrivateNetworks }) }),
  };
}

export type Services = ReturnType<typeof createServices>;

/** What `clientele import` and `clientele export` use (SPEC B-1, B-2): the API's write rules over the same store. */
export function createBulkServices(store: Store, config: Pick<Config, 'maxHierarchyDepth'>) {
  const writes = customerWrites({ paymentMethods: paymentMethodService({ store }), maxHierarchyDepth: config.maxHierarchyDepth });
  return {
    importer: customerImporter({ store, writes }),
    exporter: customerExporter({ store }),
  };
}
