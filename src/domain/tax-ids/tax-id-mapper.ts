import type { TaxIdRecord } from './tax-id.js';

export function toApiTaxId(t: TaxIdRecord) {
  return {
    id: t.id,
    object: 'tax_id' as const,
    country: t.country,
    created: t.created,
    customer: t.customer_id,
    livemode: t.livemode,
    // Stripe's owner (its account and application fields apply to other owner types only).
    owner: { customer: t.customer_id, type: 'customer' as const },
    type: t.type,
    value: t.value,
    verification: { status: t.verification_status, verified_address: null, verified_name: null },
  };
}

export function toDeletedTaxId(t: Pick<TaxIdRecord, 'id'>) {
  return { id: t.id, object: 'tax_id' as const, deleted: true as const };
}
