import { loadCustomers } from '../customers/customer-loader.js';
import { expandableId, includedListOf, type ApiObject } from '../expansion/expansion.js';
import { toApiInvoice } from '../invoices/invoice-mapper.js';
import type { OwnedResource } from '../owned-resource.js';
import { toApiPaymentMethod } from '../payment-methods/payment-method-mapper.js';
import { toApiRefund } from '../refunds/refund-mapper.js';
import { toApiCharge } from './charge-mapper.js';
import { mergeCharges } from './charge-merge.js';
import { chargeProfileSection } from './charge-profile-section.js';

const EVENT_TYPES = ['charge.succeeded', 'charge.pending', 'charge.failed', 'charge.updated', 'charge.refunded', 'charge.refund.updated'] as const;

const BLANK_BILLING_DETAILS = { address: null, email: null, name: null, phone: null };

/**
 * SPEC S-1: charges processors report for a customer. Deleting the customer keeps them (they
 * point to its tombstone, so its history and its stats still resolve) with the personal data
 * copied into them blanked: billing details and receipt email.
 */
export const chargeResource: OwnedResource<(typeof EVENT_TYPES)[number]> = {
  object: 'charge',
  exportKey: 'charges',
  eventTypes: EVENT_TYPES,
  onMerge: mergeCharges,
  profileSection: chargeProfileSection,
  async exportOf({ repos, scope }, customerId) {
    return (await repos.charges.allOf(scope, customerId)).map(toApiCharge);
  },
  async erase(repos, scope, customerId, now) {
    await repos.charges.eraseAllOf(scope, customerId, now);
    // Their stored responses name the customer, so they are found through it.
    return [];
  },
  onReparent: (repos, scope, move) => repos.charges.movePaths(scope, move),
  redact(object) {
    const out: ApiObject = { ...object };
    if ('billing_details' in out) out.billing_details = BLANK_BILLING_DETAILS;
    if ('receipt_email' in out) out.receipt_email = null;
    return out;
  },
  expandable: {
    customer: expandableId('customer', 'customer', loadCustomers),
    payment_method: expandableId('payment_method', 'payment_method', async ({ repos, scope }, ids) => {
      const methods = await repos.paymentMethods.findByIds(scope, ids);
      return new Map([...methods].map(([id, method]) => [id, toApiPaymentMethod(method)]));
    }),
    invoice: expandableId('invoice', 'invoice', async ({ repos, scope }, ids) => {
      const invoices = await repos.invoices.findByIds(scope, ids);
      return new Map([...invoices].map(([id, invoice]) => [id, toApiInvoice(invoice)]));
    }),
    refunds: includedListOf(
      'refund',
      (chargeId) => `/v1/refunds?charge=${chargeId}`,
      ({ repos, scope }, chargeIds) => repos.refunds.listForCharges(scope, chargeIds),
      (r) => r.charge_id,
      toApiRefund,
    ),
  },
};
