/** The customer portal's records (issue 19): Stripe's billing_portal configurations and sessions. */

export const ALLOWED_UPDATES = ['email', 'name', 'phone', 'address', 'shipping', 'tax_id'] as const;
export type AllowedUpdate = (typeof ALLOWED_UPDATES)[number];

/** The parts of Stripe's configuration object that apply here; stored as one JSON body. */
export interface PortalConfigurationBody {
  name: string | null;
  business_profile: { headline: string | null; privacy_policy_url: string | null; terms_of_service_url: string | null };
  default_return_url: string | null;
  features: {
    customer_update: { enabled: boolean; allowed_updates: AllowedUpdate[] };
    payment_method_update: { enabled: boolean };
    invoice_history: { enabled: boolean };
  };
  login_page: { enabled: boolean };
  metadata: Record<string, string>;
}

export interface PortalConfigurationRecord extends PortalConfigurationBody {
  id: string;
  livemode: boolean;
  created: number;
  updated: number;
  version: number;
  is_default: boolean;
  active: boolean;
  /** The login page's token: made when login_page.enabled is first set, kept after (null before). */
  login_token: string | null;
  /** The key that last enabled the login page: the writer of the sessions the page makes. */
  login_key_id: string | null;
}

/** A portal session: its link (until opened) and then the browser session it became. */
export interface PortalSessionRecord {
  id: string;
  livemode: boolean;
  created: number;
  customerId: string;
  configurationId: string;
  /** The key that asked for the session: the writer (`updated_by`, events' key) of the portal's changes. */
  keyId: string;
  returnUrl: string;
  locale: string | null;
  linkDigest: string;
  openedAt: number | null;
  cookieDigest: string | null;
  lastSeen: number | null;
}
