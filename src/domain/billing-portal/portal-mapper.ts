import { LINK_LIFETIME_SECONDS } from './portal-session-service.js';
import type { PortalConfigurationRecord, PortalSessionRecord } from './portal.js';

/** Stripe's `billing_portal.configuration` object, for the parts that apply here. */
export function toApiPortalConfiguration(c: PortalConfigurationRecord, loginPageUrl: string | null) {
  return {
    id: c.id,
    object: 'billing_portal.configuration' as const,
    active: c.active,
    application: null,
    business_profile: { ...c.business_profile },
    created: c.created,
    default_return_url: c.default_return_url,
    features: {
      customer_update: { enabled: c.features.customer_update.enabled, allowed_updates: [...c.features.customer_update.allowed_updates] },
      invoice_history: { enabled: c.features.invoice_history.enabled },
      payment_method_update: { enabled: c.features.payment_method_update.enabled },
    },
    is_default: c.is_default,
    livemode: c.livemode,
    // The login page's URL while it is enabled (its token is never shown otherwise).
    login_page: { enabled: c.login_page.enabled, url: loginPageUrl },
    metadata: { ...c.metadata },
    name: c.name,
    updated: c.updated,
  };
}

/** Stripe's `billing_portal.session`; `url` exists only in the create's answer. */
export function toApiPortalSession(s: PortalSessionRecord, url: string) {
  return {
    id: s.id,
    object: 'billing_portal.session' as const,
    configuration: s.configurationId,
    created: s.created,
    customer: s.customerId,
    expires_at: s.created + LINK_LIFETIME_SECONDS,
    flow: null,
    livemode: s.livemode,
    locale: s.locale,
    on_behalf_of: null,
    return_url: s.returnUrl,
    url,
  };
}
