import { customerField } from '../customers/customer-loader.js';
import { recordEvents } from '../events/event-writer.js';
import { includedListOf } from '../expansion/expansion.js';
import type { OwnedResource } from '../owned-resource.js';
import { toApiContact } from './contact-mapper.js';
import { mergeContacts } from './contact-merge.js';

const EVENT_TYPES = ['customer.contact.created', 'customer.contact.updated', 'customer.contact.deleted'] as const;

const url = (customerId: string) => `/v1/customers/${customerId}/contacts`;

/**
 * SPEC K-1: the people of a business customer. Deleted with the customer; every personal field
 * of a contact (name, email, phone, notes, metadata) is one erasure already blanks in stored copies.
 */
export const contactResource: OwnedResource<(typeof EVENT_TYPES)[number]> = {
  object: 'contact',
  exportKey: 'contacts',
  eventTypes: EVENT_TYPES,
  onMerge: mergeContacts,
  async exportOf({ repos, scope }, customerId) {
    return (await repos.contacts.listForCustomers(scope, [customerId])).map(toApiContact);
  },
  async erase(repos, scope, customerId) {
    const deleted = await repos.contacts.deleteAllOf(scope, customerId);
    await recordEvents(repos, scope, 'customer.contact.deleted', deleted.map((contact) => ({ object: toApiContact(contact), customerId })));
    return [];
  },
  expandable: { customer: customerField },
  customerExpansions: {
    contacts: includedListOf('contact', url, ({ repos, scope }, ids) => repos.contacts.listForCustomers(scope, ids), (r) => r.customer_id, toApiContact),
  },
};
