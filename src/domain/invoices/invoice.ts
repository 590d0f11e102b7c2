import type { Address } from '../customers/customer.js';

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';

export const INVOICE_STATUSES: readonly InvoiceStatus[] = ['draft', 'open', 'paid', 'void', 'uncollectible'];

/** Stripe's bound on the lines of one invoice. */
export const MAX_INVOICE_LINES = 250;

export interface InvoiceLine {
  id: string;
  description: string | null;
  quantity: number;
  unit_amount: number;
  /** quantity × unit_amount, in minor units. */
  amount: number;
}

/**
 * An invoice as a billing system reported it (SPEC S-1). Its number is assigned at
 * finalisation from the customer's invoice_prefix and next_invoice_sequence; the customer's
 * email, name and address are copied then.
 */
export interface InvoiceRecord {
  id: string;
  livemode: boolean;
  created: number;
  updated: number;
  version: number;
  customer_id: string;
  currency: string;
  status: InvoiceStatus;
  number: string | null;
  description: string | null;
  due_date: number | null;
  lines: InvoiceLine[];
  /** Sum of the lines' amounts: what the invoice asks for. */
  total: number;
  amount_paid: number;
  /** The customer's succeeded charge that paid it, when the payment named one. */
  charge_id: string | null;
  paid_out_of_band: boolean;
  customer_email: string | null;
  customer_name: string | null;
  customer_address: Address | null;
  finalized_at: number | null;
  paid_at: number | null;
  voided_at: number | null;
  marked_uncollectible_at: number | null;
  metadata: Record<string, string>;
}
