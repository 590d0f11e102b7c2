import type { BillingDetails, ProviderReference } from '../payment-methods/payment-method.js';

export type ChargeStatus = 'succeeded' | 'pending' | 'failed';

export const CHARGE_STATUSES: readonly ChargeStatus[] = ['succeeded', 'pending', 'failed'];

/**
 * A charge as a processor reported it (SPEC S-1): Clientele moves no money, it keeps the
 * history. Amounts are in the currency's minor unit.
 */
export interface ChargeRecord {
  id: string;
  livemode: boolean;
  created: number;
  updated: number;
  version: number;
  customer_id: string;
  amount: number;
  currency: string;
  payment_method_id: string | null;
  status: ChargeStatus;
  amount_refunded: number;
  description: string | null;
  receipt_email: string | null;
  billing_details: BillingDetails;
  failure_code: string | null;
  failure_message: string | null;
  statement_descriptor: string | null;
  metadata: Record<string, string>;
  /** The processor and its own id for the charge; unique per account, mode and processor. */
  provider: ProviderReference | null;
  /** When the processor says it happened (defaults to `created`). */
  occurred_at: number;
  /** The invoice this charge paid, once one was paid with it. */
  invoice_id: string | null;
}
