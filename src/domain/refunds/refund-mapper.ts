import type { RefundRecord } from './refund.js';

/** The refund as the API shows it: Stripe's shape (null for what Clientele cannot know), then `customer`. */
export function toApiRefund(r: RefundRecord) {
  return {
    id: r.id,
    object: 'refund' as const,
    amount: r.amount,
    balance_transaction: null,
    charge: r.charge_id,
    created: r.created,
    currency: r.currency,
    livemode: r.livemode,
    metadata: r.metadata,
    payment_intent: null,
    reason: r.reason,
    receipt_number: null,
    status: 'succeeded' as const,
    customer: r.customer_id,
    updated: r.updated,
  };
}
