import type { AddressInput } from '../customers/customer-input.js';

export interface BillingDetailsInput {
  address?: AddressInput | null;
  email?: string | null;
  name?: string | null;
  phone?: string | null;
}

/** POST /v1/payment_methods, shape-checked by the route schema. */
export interface CreatePaymentMethodInput {
  type: string;
  card?: {
    number?: string;
    exp_month?: number;
    exp_year?: number;
    cvc?: string;
    brand?: string;
    last4?: string;
    funding?: string;
    country?: string | null;
  };
  provider?: { name: string; reference: string };
  billing_details?: BillingDetailsInput;
  metadata?: Record<string, string | null> | null;
}

export interface UpdatePaymentMethodInput {
  billing_details?: BillingDetailsInput;
  card?: { exp_month?: number; exp_year?: number };
  metadata?: Record<string, string | null> | null;
}
