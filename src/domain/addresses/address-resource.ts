import { customerField } from '../customers/customer-loader.js';
import { recordEvents } from '../events/event-writer.js';
import { includedListOf } from '../expansion/expansion.js';
import type { OwnedResource } from '../owned-resource.js';
import { editsAddressOrShipping, entriesFollowing } from './address-book.js';
import { toApiAddress } from './address-mapper.js';
import { saveAddress } from './address-writes.js';
import { mergeAddresses } from './address-merge.js';

const EVENT_TYPES = ['customer.address.created', 'customer.address.updated', 'customer.address.deleted'] as const;

const url = (customerId: string) => `/v1/customers/${customerId}/addresses`;

/**
 * SPEC K-1: a customer's address book. Deleted with the customer (the label may name a person
 * or a place of theirs, so stored copies lose it too). A direct edit of the customer's address
 * or shipping moves into its default entries in the same transaction (address-book.ts).
 */
export const addressResource: OwnedResource<(typeof EVENT_TYPES)[number]> = {
  object: 'address',
  exportKey: 'addresses',
  eventTypes: EVENT_TYPES,
  onMerge: mergeAddresses,
  async exportOf({ repos, scope }, customerId) {
    return (await repos.addresses.listForCustomers(scope, [customerId])).map(toApiAddress);
  },
  async erase(repos, scope, customerId) {
    const deleted = await repos.addresses.deleteAllOf(scope, customerId);
    await recordEvents(repos, scope, 'customer.address.deleted', deleted.map((entry) => ({ object: toApiAddress(entry), customerId })));
    return [];
  },
  redact: (object) => ('label' in object ? { ...object, label: null } : object),
  async afterCustomerUpdate(repos, scope, before, after, now) {
    // Most updates touch neither field: no query for them.
    if (!editsAddressOrShipping(before, after)) return;
    const defaults = await repos.addresses.defaultsOf(scope, after.id);
    for (const entry of entriesFollowing(before, after, defaults)) {
      const current = defaults.find((d) => d.id === entry.id);
      if (current) await saveAddress(repos, scope, current, { ...entry, updated: now, version: current.version + 1 });
    }
  },
  expandable: { customer: customerField },
  customerExpansions: {
    addresses: includedListOf('address', url, ({ repos, scope }, ids) => repos.addresses.listForCustomers(scope, ids), (r) => r.customer_id, toApiAddress),
  },
};
