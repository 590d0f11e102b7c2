import type { Address } from '../customers/customer.js';
import type { PaymentMethodRecord } from './payment-method.js';

const EMPTY_ADDRESS: Address = { city: null, country: null, line1: null, line2: null, postal_code: null, state: null };

/** The payment method as the API shows it (SPEC PM-1); never a number or CVC, none is kept. */
export function toApiPaymentMethod(m: PaymentMethodRecord) {
  const a = m.billing_details.address ?? EMPTY_ADDRESS;
  return {
    id: m.id,
    object: 'payment_method' as const,
    billing_details: {
      address: { city: a.city, country: a.country, line1: a.line1, line2: a.line2, postal_code: a.postal_code, state: a.state },
      email: m.billing_details.email,
      name: m.billing_details.name,
      phone: m.billing_details.phone,
    },
    card: m.card && {
      brand: m.card.brand,
      country: m.card.country,
      display_brand: m.card.display_brand,
      exp_month: m.card.exp_month,
      exp_year: m.card.exp_year,
      fingerprint: m.card.fingerprint,
      funding: m.card.funding,
      last4: m.card.last4,
    },
    created: m.created,
    customer: m.customer_id,
    livemode: m.livemode,
    metadata: m.metadata,
    provider: m.provider && { name: m.provider.name, reference: m.provider.reference },
    type: m.type,
  };
}

export type ApiPaymentMethod = ReturnType<typeof toApiPaymentMethod>;
