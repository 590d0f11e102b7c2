import type { Address } from '../customers/customer.js';
import type { ChargeRecord } from './charge.js';

const EMPTY_ADDRESS: Address = { city: null, country: null, line1: null, line2: null, postal_code: null, state: null };

/** Stripe shows billing_details.address as an object of nulls when none is known. */
function address(given: Address | null) {
  const a = given ?? EMPTY_ADDRESS;
  return { city: a.city, country: a.country, line1: a.line1, line2: a.line2, postal_code: a.postal_code, state: a.state };
}

/**
 * The charge as the API shows it: Stripe's shape, every field present (null where Clientele
 * cannot know it, such as the balance transaction of money it never moved), then Clientele's
 * `occurred_at` and `provider`. `customer`, `payment_method` and `invoice` are ids, expandable.
 */
export function toApiCharge(c: ChargeRecord) {
  const succeeded = c.status === 'succeeded';
  return {
    id: c.id,
    object: 'charge' as const,
    amount: c.amount,
    amount_captured: succeeded ? c.amount : 0,
    amount_refunded: c.amount_refunded,
    balance_transaction: null,
    billing_details: {
      address: address(c.billing_details.address),
      email: c.billing_details.email,
      name: c.billing_details.name,
      phone: c.billing_details.phone,
    },
    captured: succeeded,
    created: c.created,
    currency: c.currency,
    customer: c.customer_id,
    description: c.description,
    failure_code: c.failure_code,
    failure_message: c.failure_message,
    invoice: c.invoice_id,
    livemode: c.livemode,
    metadata: c.metadata,
    paid: succeeded,
    payment_intent: null,
    payment_method: c.payment_method_id,
    receipt_email: c.receipt_email,
    refunded: c.amount_refunded > 0 && c.amount_refunded === c.amount,
    statement_descriptor: c.statement_descriptor,
    status: c.status,
    occurred_at: c.occurred_at,
    provider: c.provider && { name: c.provider.name, reference: c.provider.reference },
    updated: c.updated,
  };
}

export type ApiCharge = ReturnType<typeof toApiCharge>;
