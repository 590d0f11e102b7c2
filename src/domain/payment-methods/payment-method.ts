import type { Address } from '../customers/customer.js';

/** A saved payment method as the domain knows it. Never holds a card number or CVC. */
export interface BillingDetails {
  address: Address | null;
  email: string | null;
  name: string | null;
  phone: string | null;
}

export interface CardDetails {
  brand: string;
  display_brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  funding: string;
  country: string | null;
  /** HMAC of the number under the account's secret; null for provider-vaulted cards. */
  fingerprint: string | null;
}

export interface ProviderReference {
  name: string;
  reference: string;
}

export interface PaymentMethodRecord {
  id: string;
  livemode: boolean;
  created: number;
  updated: number;
  version: number;
  type: 'card';
  customer_id: string | null;
  /** Once detached, a method can never be attached again (PM-3). */
  detached: boolean;
  billing_details: BillingDetails;
  card: CardDetails | null;
  provider: ProviderReference | null;
  metadata: Record<string, string>;
}
