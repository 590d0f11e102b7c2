import type { ContactRecord } from './contact.js';

export function toApiContact(c: ContactRecord) {
  return {
    id: c.id,
    object: 'contact' as const,
    created: c.created,
    customer: c.customer_id,
    email: c.email,
    livemode: c.livemode,
    metadata: c.metadata,
    name: c.name,
    notes: c.notes,
    phone: c.phone,
    receives_invoices: c.receives_invoices,
    roles: [...c.roles],
    updated: c.updated,
  };
}

export function toDeletedContact(c: Pick<ContactRecord, 'id'>) {
  return { id: c.id, object: 'contact' as const, deleted: true as const };
}
