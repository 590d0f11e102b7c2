export type RefundReason = 'duplicate' | 'fraudulent' | 'requested_by_customer';

export const REFUND_REASONS: readonly RefundReason[] = ['duplicate', 'fraudulent', 'requested_by_customer'];

/** A refund of (part of) a succeeded charge, as the processor reported it (SPEC S-1). */
export interface RefundRecord {
  id: string;
  livemode: boolean;
  created: number;
  updated: number;
  version: number;
  charge_id: string;
  /** The charge's customer, kept so the customer's export and erasure find its refunds. */
  customer_id: string;
  amount: number;
  currency: string;
  reason: RefundReason | null;
  metadata: Record<string, string>;
}
