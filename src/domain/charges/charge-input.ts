import type { BillingDetailsInput } from '../payment-methods/payment-method-input.js';
import type { ChargeStatus } from './charge.js';

/** POST /v1/charges, shape-checked by the route schema. */
export interface ChargeCreateInput {
  amount: number;
  currency: string;
  customer: string;
  payment_method?: string | null;
  status?: ChargeStatus;
  description?: string | null;
  receipt_email?: string | null;
  billing_details?: BillingDetailsInput;
  failure_code?: string | null;
  failure_message?: string | null;
  statement_descriptor?: string | null;
  metadata?: Record<string, string | null> | null;
  provider?: { name: string; reference: string };
  occurred_at?: number;
}

/** POST /v1/charges/:id. */
export interface ChargeUpdateInput {
  status?: ChargeStatus;
  description?: string | null;
  receipt_email?: string | null;
  billing_details?: BillingDetailsInput;
  failure_code?: string | null;
  failure_message?: string | null;
  metadata?: Record<string, string | null> | null;
}

export interface ChargeListFilters {
  customer?: string;
  includeDescendants?: boolean;
  status?: ChargeStatus;
  provider?: string;
  providerReference?: string;
}
