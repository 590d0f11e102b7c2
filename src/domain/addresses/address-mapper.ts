import type { AddressRecord } from './address.js';

export function defaultsOf(a: Pick<AddressRecord, 'default_billing' | 'default_shipping'>): Array<'billing' | 'shipping'> {
  return [...(a.default_billing ? (['billing'] as const) : []), ...(a.default_shipping ? (['shipping'] as const) : [])];
}

export function toApiAddress(a: AddressRecord) {
  return {
    id: a.id,
    object: 'address' as const,
    address: {
      city: a.address.city,
      country: a.address.country,
      line1: a.address.line1,
      line2: a.address.line2,
      postal_code: a.address.postal_code,
      state: a.address.state,
    },
    created: a.created,
    customer: a.customer_id,
    default_for: defaultsOf(a),
    label: a.label,
    livemode: a.livemode,
    metadata: a.metadata,
    name: a.name,
    phone: a.phone,
    updated: a.updated,
  };
}

export function toDeletedAddress(a: Pick<AddressRecord, 'id'>) {
  return { id: a.id, object: 'address' as const, deleted: true as const };
}
