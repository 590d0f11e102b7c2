import { toApiCharge } from '../charges/charge-mapper.js';
import { loadCustomers } from '../customers/customer-loader.js';
import { expandableId, type ApiObject } from '../expansion/expansion.js';
import type { OwnedResource } from '../owned-resource.js';
import { toApiInvoice } from './invoice-mapper.js';
import { mergeInvoices } from './invoice-merge.js';
import { invoiceProfileSection } from './invoice-profile-section.js';

const EVENT_TYPES = [
  'invoice.created',
  'invoice.finalized',
  'invoice.paid',
  'invoice.voided',
  'invoice.marked_uncollectible',
  'invoice.updated',
  'invoice.deleted',
] as const;

/**
 * SPEC S-1: a customer's invoices. Deleting the customer keeps them, pointing to its
 * tombstone, without the customer's email, name and address copied at finalisation.
 */
export const invoiceResource: OwnedResource<(typeof EVENT_TYPES)[number]> = {
  object: 'invoice',
  exportKey: 'invoices',
  eventTypes: EVENT_TYPES,
  onMerge: mergeInvoices,
  profileSection: invoiceProfileSection,
  async exportOf({ repos, scope }, customerId) {
    return (await repos.invoices.allOf(scope, customerId)).map(toApiInvoice);
  },
  async erase(repos, scope, customerId, now) {
    await repos.invoices.eraseAllOf(scope, customerId, now);
    return [];
  },
  onReparent: (repos, scope, move) => repos.invoices.movePaths(scope, move),
  redact(object) {
    const out: ApiObject = { ...object };
    for (const key of ['customer_email', 'customer_name', 'customer_address']) if (key in out) out[key] = null;
    return out;
  },
  expandable: {
    customer: expandableId('customer', 'customer', loadCustomers),
    charge: expandableId('charge', 'charge', async ({ repos, scope }, ids) => {
      const charges = await repos.charges.findByIds(scope, ids);
      return new Map([...charges].map(([id, charge]) => [id, toApiCharge(charge)]));
    }),
  },
};
